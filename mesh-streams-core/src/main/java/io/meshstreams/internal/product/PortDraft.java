package io.meshstreams.internal.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.product.Grant;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.registry.CompatibilityLevel;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of an output port before they are checked: what {@link DataProductValidation} reads, so that a port
 * that is not valid yet (from a descriptor with mistakes, or a builder) can be checked as a whole and never exists as
 * an {@link OutputPort}. A schema or key that could not be read is null; the checks that need it are skipped.
 *
 * @param classifications the classifications given besides the schema's own field properties (or all of them:
 *                        validation merges the schema's in either way)
 */
public record PortDraft(String name, int majorVersion, String description, @Nullable Schema valueSchema,
                        @Nullable KeyDefinition key, int partitions, Optional<Short> replicationFactor,
                        Map<String, String> topicConfigs, CompatibilityLevel compatibility, List<Rule> rules,
                        Map<String, String> classifications, List<Grant> grants, OnViolation onViolation,
                        Optional<Duration> freshness) {

    public PortDraft {
        topicConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(topicConfigs));
        rules = List.copyOf(rules);
        classifications = Collections.unmodifiableMap(new LinkedHashMap<>(classifications));
        grants = List.copyOf(grants);
    }

    /** The settings of a port that exists (and so is valid on its own), for the product's checks. */
    public static PortDraft of(OutputPort port) {
        return new PortDraft(port.name(), port.majorVersion(), port.description(), port.valueSchema(), port.key(),
                port.partitions(), port.replicationFactor(), port.topicConfigs(), port.compatibility(), port.rules(),
                port.classifications(), port.grants(), port.onViolation(), port.freshness());
    }
}
