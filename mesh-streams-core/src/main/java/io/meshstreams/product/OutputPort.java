package io.meshstreams.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.internal.avro.SchemaFields;
import io.meshstreams.registry.CompatibilityLevel;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stream a data product publishes: one Kafka topic per major version, with a contract that every record is held
 * to when it is produced.
 *
 * <p>The contract is the Avro value schema, the {@link KeyDefinition key}, the {@link Rule rules} (CEL expressions
 * over the record, bound as {@code message}) and the field classifications. Classifications come from the schema
 * (a field property {@code "classification": "PII"}, or Confluent's {@code "confluent:tags": ["PII"]}) and from
 * {@link Builder#classify(String, String)}; {@link #classifications()} holds both.
 *
 * @param name              the port's name within its product, e.g. {@code placed}
 * @param majorVersion      1 or more; part of the topic name
 * @param description       what the port carries, for the catalog
 * @param valueSchema       the Avro schema of the record values
 * @param key               how records are keyed
 * @param partitions        the topic's partition count; partitions only ever grow
 * @param replicationFactor the topic's replication factor, or empty for the cluster's default
 * @param topicConfigs      topic configuration overrides, such as {@code retention.ms}
 * @param compatibility     the schema compatibility within this major version, {@code FULL_TRANSITIVE} by default
 * @param rules             the CEL rules every record must satisfy
 * @param classifications   field path to classification, e.g. {@code email -> PII}
 * @param grants            the consumer domains that may read the port
 * @param onViolation       what publishing does with a record that breaks the contract
 * @param freshness         the freshness objective: the longest time a consumer should wait for new data, or empty
 */
public record OutputPort(
        String name,
        int majorVersion,
        String description,
        Schema valueSchema,
        KeyDefinition key,
        int partitions,
        Optional<Short> replicationFactor,
        Map<String, String> topicConfigs,
        CompatibilityLevel compatibility,
        List<Rule> rules,
        Map<String, String> classifications,
        List<Grant> grants,
        OnViolation onViolation,
        Optional<Duration> freshness) {

    /** Partitions when none are given. */
    public static final int DEFAULT_PARTITIONS = 3;

    public OutputPort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(valueSchema, "valueSchema");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(compatibility, "compatibility");
        Objects.requireNonNull(onViolation, "onViolation");
        Objects.requireNonNull(freshness, "freshness");
        topicConfigs = Map.copyOf(topicConfigs);
        rules = List.copyOf(rules);
        classifications = Map.copyOf(classifications);
        grants = List.copyOf(grants);
    }

    /** A builder for a port with this name and major version. */
    public static Builder builder(String name, int majorVersion) {
        return new Builder(name, majorVersion);
    }

    /** The grant a consumer domain holds on this port, if any. */
    public Optional<Grant> grantFor(String consumerDomain) {
        return grants.stream().filter(grant -> grant.domain().equals(consumerDomain)).findFirst();
    }

    /** A builder initialised with this port's settings, to derive a changed port (for example its next major). */
    public Builder toBuilder() {
        Builder builder = new Builder(name, majorVersion)
                .description(description)
                .valueSchema(valueSchema)
                .key(key)
                .partitions(partitions)
                .compatibility(compatibility)
                .onViolation(onViolation);
        replicationFactor.ifPresent(builder::replicationFactor);
        freshness.ifPresent(builder::freshness);
        topicConfigs.forEach(builder::topicConfig);
        rules.forEach(builder::rule);
        builder.classifications.putAll(classifications);
        grants.forEach(builder::grant);
        return builder;
    }

    /** Mutable, not thread-safe. {@link #build()} checks only presence; the product validates the whole. */
    public static final class Builder {
        private final String name;
        private final int majorVersion;
        private String description = "";
        private @Nullable Schema valueSchema;
        private @Nullable KeyDefinition key;
        private int partitions = DEFAULT_PARTITIONS;
        private @Nullable Short replicationFactor;
        private final Map<String, String> topicConfigs = new LinkedHashMap<>();
        private CompatibilityLevel compatibility = CompatibilityLevel.FULL_TRANSITIVE;
        private final List<Rule> rules = new ArrayList<>();
        private final Map<String, String> classifications = new LinkedHashMap<>();
        private final List<Grant> grants = new ArrayList<>();
        private OnViolation onViolation = OnViolation.QUARANTINE;
        private @Nullable Duration freshness;

        private Builder(String name, int majorVersion) {
            this.name = Objects.requireNonNull(name, "name");
            this.majorVersion = majorVersion;
        }

        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        public Builder valueSchema(Schema schema) {
            this.valueSchema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** Parses the Avro schema from its JSON text. */
        public Builder valueSchema(String avroSchemaJson) {
            return valueSchema(new Schema.Parser().parse(avroSchemaJson));
        }

        public Builder key(KeyDefinition key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Shorthand for {@code key(KeyDefinition.field(field))}. */
        public Builder keyField(String field) {
            return key(KeyDefinition.field(field));
        }

        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        public Builder replicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
            return this;
        }

        public Builder topicConfig(String key, String value) {
            topicConfigs.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder compatibility(CompatibilityLevel compatibility) {
            this.compatibility = Objects.requireNonNull(compatibility, "compatibility");
            return this;
        }

        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** A rule with no description. */
        public Builder rule(String name, String expression) {
            return rule(new Rule(name, expression, null));
        }

        /** Classifies a field (by path, e.g. {@code address.city}), in addition to the schema's own properties. */
        public Builder classify(String fieldPath, String classification) {
            classifications.put(Objects.requireNonNull(fieldPath, "fieldPath"),
                    Objects.requireNonNull(classification, "classification"));
            return this;
        }

        public Builder grant(Grant grant) {
            grants.add(Objects.requireNonNull(grant, "grant"));
            return this;
        }

        public Builder grant(String domain, String clearance, String purpose) {
            return grant(new Grant(domain, clearance, purpose));
        }

        public Builder onViolation(OnViolation onViolation) {
            this.onViolation = Objects.requireNonNull(onViolation, "onViolation");
            return this;
        }

        public Builder freshness(Duration freshness) {
            this.freshness = Objects.requireNonNull(freshness, "freshness");
            return this;
        }

        /**
         * The port. Classifications found in the schema's field properties are added to those given here (those
         * given here win).
         *
         * @throws IllegalStateException if no value schema or key was given
         */
        public OutputPort build() {
            if (valueSchema == null) {
                throw new IllegalStateException("Output port '" + name + "' v" + majorVersion
                        + " has no value schema; call valueSchema(...)");
            }
            if (key == null) {
                throw new IllegalStateException("Output port '" + name + "' v" + majorVersion
                        + " has no key; call keyField(\"<field of the value>\")");
            }
            Map<String, String> merged = new LinkedHashMap<>(SchemaFields.classifications(valueSchema));
            merged.putAll(classifications);
            return new OutputPort(name, majorVersion, description, valueSchema, key, partitions,
                    Optional.ofNullable(replicationFactor), topicConfigs, compatibility, rules, merged, grants,
                    onViolation, Optional.ofNullable(freshness));
        }
    }
}
