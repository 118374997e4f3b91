package io.meshstreams.governance;

import io.meshstreams.product.DataProduct;
import io.meshstreams.product.Grant;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A port's records as a consumer of one clearance may see them: the topic {@code <port-topic>.masked-<clearance>}
 * ({@code customers.customer-profiles.profiles.v1.masked-internal}), holding every record of the port with the fields
 * above that clearance hashed, redacted or dropped ({@link MaskingRules}), under its own subject with the masked
 * schema. The owner's (or the platform's) view materializer writes it; a grantee below the port's highest
 * classification is allowed by the broker to read it and not the port.
 *
 * <ol>
 *   <li>A port needs a view for a clearance when one of its grants has that clearance and masking for it changes
 *       something: {@link #required(DataProduct, OutputPort, MaskingRules)}.</li>
 *   <li>Same partition count and topic configuration as the port. Records are partitioned by Kafka's default
 *       partitioner over the view's own key bytes: a hashed key is the HMAC's hex text, written as the port's key
 *       format writes a string.</li>
 *   <li>Immutable; equal when port and clearance are.</li>
 * </ol>
 */
public final class MaskedView {
    /** What a view topic adds to its port's topic, before the clearance. */
    public static final String TOPIC_INFIX = ".masked-";

    private final PortAddress port;
    private final String clearance;
    private final Schema maskedSchema;
    private final boolean hashesKey;
    private final KeyDefinition.Format keyFormat;

    private MaskedView(PortAddress port, String clearance, Schema maskedSchema, boolean hashesKey,
                       KeyDefinition.Format keyFormat) {
        this.port = port;
        this.clearance = clearance;
        this.maskedSchema = maskedSchema;
        this.hashesKey = hashesKey;
        this.keyFormat = keyFormat;
    }

    /**
     * The view of {@code port} for {@code clearance}, if masking for that clearance changes anything (else a reader
     * of that clearance reads the port itself). The hash key is not needed to know the view's schema.
     *
     * @throws IllegalArgumentException if the clearance is not a level of the rules' scheme
     */
    public static Optional<MaskedView> of(DataProduct product, OutputPort port, String clearance, MaskingRules rules) {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(clearance, "clearance");
        FieldMasker masker = FieldMasker.create(port, clearance, schemaOnly(rules));
        if (masker.masksNothing()) {
            return Optional.empty();
        }
        return Optional.of(new MaskedView(product.address(port), masker.clearance(), masker.maskedSchema(),
                masker.masks(port.key().field()), port.key().format()));
    }

    /** The views a port needs: one per clearance of its grants that masking changes, lowest clearance first. */
    public static List<MaskedView> required(DataProduct product, OutputPort port, MaskingRules rules) {
        Set<String> clearances = new LinkedHashSet<>();
        port.grants().stream().map(Grant::clearance)
                .sorted((a, b) -> Integer.compare(rules.scheme().rank(a).orElse(Integer.MAX_VALUE),
                        rules.scheme().rank(b).orElse(Integer.MAX_VALUE)))
                .forEach(clearances::add);
        List<MaskedView> views = new ArrayList<>();
        for (String clearance : clearances) {
            of(product, port, clearance, rules).filter(view -> views.stream()
                    .noneMatch(other -> other.clearance.equals(view.clearance))).ifPresent(views::add);
        }
        return List.copyOf(views);
    }

    /** The views every port of the product needs. */
    public static List<MaskedView> required(DataProduct product, MaskingRules rules) {
        List<MaskedView> views = new ArrayList<>();
        product.outputPorts().forEach(port -> views.addAll(required(product, port, rules)));
        return List.copyOf(views);
    }

    /** {@code <port-topic>.masked-<clearance in lower case>}. */
    public static String topic(PortAddress port, String clearance) {
        return port.topic() + TOPIC_INFIX + clearance.trim().toLowerCase(Locale.ROOT);
    }

    /** True if the topic is the name of some port's view. */
    public static boolean isViewTopic(String topic) {
        return topic.contains(TOPIC_INFIX);
    }

    /** Rules that can compute masked schemas: the hash key is never used for that, so a stand-in does. */
    private static MaskingRules schemaOnly(MaskingRules rules) {
        return rules.hasHashKey() ? rules : rules.withHashKey(new byte[MaskingRules.MIN_HASH_KEY_BYTES]);
    }

    /** The port the view masks. */
    public PortAddress port() {
        return port;
    }

    /** The clearance it is for, as the scheme spells it ({@code INTERNAL}). */
    public String clearance() {
        return clearance;
    }

    /** The view's topic. */
    public String topic() {
        return topic(port, clearance);
    }

    /** {@code <view-topic>-value}. */
    public String valueSubject() {
        return topic() + "-value";
    }

    /** {@code <view-topic>-key}, registered only when the port's keys are {@code AVRO}. */
    public String keySubject() {
        return topic() + "-key";
    }

    /** The schema of the view's values: the port's schema with what the clearance may not see masked. */
    public Schema maskedSchema() {
        return maskedSchema;
    }

    /** True if the port's key field is masked for this clearance, so the view's keys are the keys' hashes. */
    public boolean hashesKey() {
        return hashesKey;
    }

    /** How the view writes its keys: as its port does. */
    public KeyDefinition.Format keyFormat() {
        return keyFormat;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MaskedView view && view.port.equals(port) && view.clearance.equals(clearance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(port, clearance);
    }

    @Override
    public String toString() {
        return topic();
    }
}
