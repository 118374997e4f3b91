package io.meshstreams.publish;

import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to create a {@link PortPublisher}: immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * client.publisher(PortAddress.parse("orders.order-events.placed.v1"), GenericRecord.class,
 *         PublisherOptions.named("checkout")
 *         .withTransactionalId("checkout-orders-1")
 *         .withProducerConfig("linger.ms", 10));
 * }</pre>
 *
 * <ol>
 *   <li>{@link #name()}: the producer's {@code client.id} and the meters' {@code publisher} tag. Two publishers may
 *       share a name: each still has meters of its own (their {@code instance} tags differ).</li>
 *   <li>{@link #transactionalId()}: set for exactly-once publishing through {@link PortPublisher#transaction}; none by
 *       default.</li>
 *   <li>{@link #producerConfig()}: producer settings that override the defaults ({@code acks=all}, idempotence on).</li>
 *   <li>{@link #contractHeader()}: whether records on the port carry the {@link ContractHeader} ({@code mesh:
 *       1.3;7;orders}); off by default. Records in quarantine always carry it.</li>
 * </ol>
 */
public final class PublisherOptions {
    private final String name;
    private final @Nullable String transactionalId;
    private final Map<String, Object> producerConfig;
    private final boolean contractHeader;

    private PublisherOptions(String name, @Nullable String transactionalId, Map<String, Object> producerConfig,
                             boolean contractHeader) {
        this.name = Objects.requireNonNull(name, "name");
        this.transactionalId = transactionalId;
        this.producerConfig = Map.copyOf(producerConfig);
        this.contractHeader = contractHeader;
    }

    /** Options with a name and the defaults: not transactional, Kafka's producer defaults, no contract header. */
    public static PublisherOptions named(String name) {
        return new PublisherOptions(name, null, Map.of(), false);
    }

    /** Exactly-once publishing: records published in one {@link PortPublisher#transaction} commit or abort together. */
    public PublisherOptions withTransactionalId(String id) {
        return new PublisherOptions(name, Objects.requireNonNull(id, "id"), producerConfig, contractHeader);
    }

    /** A producer setting that overrides the default. */
    public PublisherOptions withProducerConfig(String key, Object value) {
        Map<String, Object> copy = new HashMap<>(producerConfig);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new PublisherOptions(name, transactionalId, copy, contractHeader);
    }

    /**
     * Every record on the port carries the {@link ContractHeader} {@code mesh: <major>.<schema version>;<schema
     * id>;<domain>}, for consumers that want the contract version without asking the registry.
     *
     * <p>Off by default, because it repeats what each record already says and costs throughput on small records
     * (its bytes travel with every record and the broker parses them back): the major version is the topic's
     * {@code vN}; the schema id is in the value's wire-format header (bytes 1-4, after the magic byte), from which the
     * registry gives the schema and its version under the port's subject; the producing domain is the port's owner,
     * named in the catalog (a publisher publishes only on its own domain's ports). Records in quarantine carry the
     * header either way.
     */
    public PublisherOptions withContractHeader() {
        return new PublisherOptions(name, transactionalId, producerConfig, true);
    }

    /** The publisher's name: the producer's {@code client.id} and the meters' {@code publisher} tag. */
    public String name() {
        return name;
    }

    /** The transactional id, or null when the publisher is not transactional. */
    public @Nullable String transactionalId() {
        return transactionalId;
    }

    public Optional<String> transactionalIdIfAny() {
        return Optional.ofNullable(transactionalId);
    }

    /** Producer settings that override the defaults; unmodifiable. */
    public Map<String, Object> producerConfig() {
        return producerConfig;
    }

    /** Whether records on the port carry the {@link ContractHeader}; see {@link #withContractHeader()}. */
    public boolean contractHeader() {
        return contractHeader;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PublisherOptions that && name.equals(that.name)
                && Objects.equals(transactionalId, that.transactionalId) && producerConfig.equals(that.producerConfig)
                && contractHeader == that.contractHeader;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, transactionalId, producerConfig, contractHeader);
    }

    @Override
    public String toString() {
        // the settings' keys only: values may be secrets (sasl.jaas.config, ssl.key.password)
        return "PublisherOptions[name=" + name + ", transactionalId=" + transactionalId + ", producerConfig keys="
                + new java.util.TreeSet<>(producerConfig.keySet()) + ", contractHeader=" + contractHeader + "]";
    }
}
