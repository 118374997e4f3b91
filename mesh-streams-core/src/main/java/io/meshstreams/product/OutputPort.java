package io.meshstreams.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.internal.avro.SchemaFields;
import io.meshstreams.internal.product.DataProductValidation;
import io.meshstreams.internal.product.PortDraft;
import io.meshstreams.registry.CompatibilityLevel;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * <ol>
 *   <li>Immutable and always valid: {@link Builder#build()} and every {@code withX} check the whole port (names,
 *       version, partitions, topic configurations, the key field exists in the value schema and is a string, int or
 *       long that is not nullable, the rules compile against the schema, classified fields exist and their levels
 *       are known, grants) and throw {@link InvalidDataProductException} listing every problem with its path and
 *       fix. The checks are those a {@code data-product.yaml} gets; what depends on the product (the port's topic
 *       length, grants to the owner) the product checks.</li>
 *   <li>{@code withX} returns a copy with that one setting changed and every other kept; {@link #toBuilder()}
 *       derives a port with several changes, such as its next major version.</li>
 *   <li>Equal when every setting is equal ({@link #classifications()} compared as merged).</li>
 * </ol>
 */
public final class OutputPort {
    /** Partitions when none are given. */
    public static final int DEFAULT_PARTITIONS = 3;

    private final String name;
    private final int majorVersion;
    private final String description;
    private final Schema valueSchema;
    private final KeyDefinition key;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final Map<String, String> topicConfigs;
    private final CompatibilityLevel compatibility;
    private final List<Rule> rules;
    /** The classifications given in code or the descriptor, without those the schema declares itself. */
    private final Map<String, String> declaredClassifications;
    private final Map<String, String> classifications;
    private final List<Grant> grants;
    private final OnViolation onViolation;
    private final Optional<Duration> freshness;

    private OutputPort(Builder builder, Schema valueSchema, KeyDefinition key, List<Grant> grants) {
        this.name = builder.name;
        this.majorVersion = builder.majorVersion;
        this.description = builder.description;
        this.valueSchema = valueSchema;
        this.key = key;
        this.partitions = builder.partitions;
        this.replicationFactor = Optional.ofNullable(builder.replicationFactor);
        this.topicConfigs = frozen(builder.topicConfigs);
        this.compatibility = builder.compatibility;
        this.rules = List.copyOf(builder.rules);
        this.declaredClassifications = frozen(builder.classifications);
        this.classifications = merged(valueSchema, builder.classifications);
        this.grants = List.copyOf(grants);
        this.onViolation = builder.onViolation;
        this.freshness = Optional.ofNullable(builder.freshness);
    }

    private static Map<String, String> frozen(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static Map<String, String> merged(Schema schema, Map<String, String> declared) {
        Map<String, String> merged = new LinkedHashMap<>(SchemaFields.classifications(schema));
        merged.putAll(declared);
        return Collections.unmodifiableMap(merged);
    }

    /** A builder for a port with this name and major version. */
    public static Builder builder(String name, int majorVersion) {
        return new Builder(name, majorVersion);
    }

    /** The port's name within its product, e.g. {@code placed}. */
    public String name() {
        return name;
    }

    /** 1 or more; part of the topic name. */
    public int majorVersion() {
        return majorVersion;
    }

    /** What the port carries, for the catalog; empty if not given. */
    public String description() {
        return description;
    }

    /** The Avro schema of the record values: a record. */
    public Schema valueSchema() {
        return valueSchema;
    }

    /** How records are keyed. */
    public KeyDefinition key() {
        return key;
    }

    /** The topic's partition count; partitions only ever grow. */
    public int partitions() {
        return partitions;
    }

    /** The topic's replication factor, or empty for the cluster's default. */
    public Optional<Short> replicationFactor() {
        return replicationFactor;
    }

    /** Topic configuration overrides, such as {@code retention.ms}. */
    public Map<String, String> topicConfigs() {
        return topicConfigs;
    }

    /** The schema compatibility within this major version, {@code FULL_TRANSITIVE} by default. */
    public CompatibilityLevel compatibility() {
        return compatibility;
    }

    /** The CEL rules every record must satisfy. */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Field path to classification, e.g. {@code email -> PII}: those of the schema's field properties, and those
     * given to the builder (which win).
     */
    public Map<String, String> classifications() {
        return classifications;
    }

    /** The consumer domains that may read the port. */
    public List<Grant> grants() {
        return grants;
    }

    /** What publishing does with a record that breaks the contract. */
    public OnViolation onViolation() {
        return onViolation;
    }

    /** The freshness objective: the longest time a consumer should wait for new data, or empty. */
    public Optional<Duration> freshness() {
        return freshness;
    }

    /** The grant a consumer domain holds on this port, if any. */
    public Optional<Grant> grantFor(String consumerDomain) {
        return grants.stream().filter(grant -> grant.domain().equals(consumerDomain)).findFirst();
    }

    /** A builder initialised with this port's settings, to derive a changed port (for example its next major). */
    public Builder toBuilder() {
        return copy(name, majorVersion);
    }

    private Builder copy(String newName, int newMajorVersion) {
        Builder builder = new Builder(newName, newMajorVersion)
                .description(description)
                .valueSchema(valueSchema)
                .key(key)
                .partitions(partitions)
                .compatibility(compatibility)
                .onViolation(onViolation);
        replicationFactor.ifPresent(builder::replicationFactor);
        freshness.ifPresent(builder::freshness);
        builder.topicConfigs.putAll(topicConfigs);
        builder.rules.addAll(rules);
        builder.classifications.putAll(declaredClassifications);
        grants.forEach(builder::grant);
        return builder;
    }

    /** This port under another name. */
    public OutputPort withName(String name) {
        return copy(Objects.requireNonNull(name, "name"), majorVersion).build();
    }

    /** This port at another major version (another topic), e.g. for a breaking change. */
    public OutputPort withMajorVersion(int majorVersion) {
        return copy(name, majorVersion).build();
    }

    public OutputPort withDescription(String description) {
        return toBuilder().description(description).build();
    }

    /**
     * This port with another value schema. Classifications given to the builder are kept; those of the old schema's
     * field properties give way to the new schema's.
     */
    public OutputPort withValueSchema(Schema valueSchema) {
        return toBuilder().valueSchema(valueSchema).build();
    }

    public OutputPort withKey(KeyDefinition key) {
        return toBuilder().key(key).build();
    }

    public OutputPort withPartitions(int partitions) {
        return toBuilder().partitions(partitions).build();
    }

    public OutputPort withReplicationFactor(short replicationFactor) {
        return toBuilder().replicationFactor(replicationFactor).build();
    }

    /** This port with exactly these topic configuration overrides. */
    public OutputPort withTopicConfigs(Map<String, String> topicConfigs) {
        Builder builder = toBuilder();
        builder.topicConfigs.clear();
        topicConfigs.forEach(builder::topicConfig);
        return builder.build();
    }

    public OutputPort withCompatibility(CompatibilityLevel compatibility) {
        return toBuilder().compatibility(compatibility).build();
    }

    /** This port with exactly these rules. */
    public OutputPort withRules(List<Rule> rules) {
        Builder builder = toBuilder();
        builder.rules.clear();
        rules.forEach(builder::rule);
        return builder.build();
    }

    /**
     * This port with exactly these classifications besides those of the schema's field properties (which stay, unless
     * one of these overrides them).
     */
    public OutputPort withClassifications(Map<String, String> classifications) {
        Builder builder = toBuilder();
        builder.classifications.clear();
        classifications.forEach(builder::classify);
        return builder.build();
    }

    /** This port with exactly these grants. */
    public OutputPort withGrants(List<Grant> grants) {
        Builder builder = toBuilder();
        builder.grants.clear();
        grants.forEach(builder::grant);
        return builder.build();
    }

    public OutputPort withOnViolation(OnViolation onViolation) {
        return toBuilder().onViolation(onViolation).build();
    }

    public OutputPort withFreshness(Duration freshness) {
        return toBuilder().freshness(freshness).build();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutputPort that && name.equals(that.name) && majorVersion == that.majorVersion
                && description.equals(that.description) && valueSchema.equals(that.valueSchema)
                && key.equals(that.key) && partitions == that.partitions
                && replicationFactor.equals(that.replicationFactor) && topicConfigs.equals(that.topicConfigs)
                && compatibility == that.compatibility && rules.equals(that.rules)
                && classifications.equals(that.classifications) && grants.equals(that.grants)
                && onViolation == that.onViolation && freshness.equals(that.freshness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, majorVersion, description, valueSchema, key, partitions, replicationFactor,
                topicConfigs, compatibility, rules, classifications, grants, onViolation, freshness);
    }

    @Override
    public String toString() {
        return "OutputPort[name=" + name + ", majorVersion=" + majorVersion + ", valueSchema="
                + valueSchema.getFullName() + ", key=" + key + ", partitions=" + partitions + ", replicationFactor="
                + replicationFactor.map(String::valueOf).orElse("default") + ", topicConfigs=" + topicConfigs
                + ", compatibility=" + compatibility + ", rules=" + rules + ", classifications=" + classifications
                + ", grants=" + grants + ", onViolation=" + onViolation + ", freshness="
                + freshness.map(Duration::toString).orElse("none") + "]";
    }

    /** Mutable, not thread-safe. {@link #build()} checks the whole port. */
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
        /** Grants as given, checked by {@link #build()} with the rest so that every problem is reported at once. */
        private final List<String[]> grants = new ArrayList<>();
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

        /**
         * Parses the Avro schema from its JSON text.
         *
         * @throws InvalidDataProductException if it is not a valid Avro schema
         */
        public Builder valueSchema(String avroSchemaJson) {
            Objects.requireNonNull(avroSchemaJson, "avroSchemaJson");
            try {
                return valueSchema(new Schema.Parser().parse(avroSchemaJson));
            } catch (SchemaParseException | IllegalArgumentException e) {
                throw new InvalidDataProductException(subject(), productId(), List.of(ValidationProblem.of(
                        ValidationProblem.CODE, "schema", "the value schema is not a valid Avro schema: "
                                + e.getMessage() + ".",
                        "fix the schema; see https://avro.apache.org/docs/current/specification/.")));
            }
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
            Objects.requireNonNull(grant, "grant");
            return grant(grant.domain(), grant.clearance(), grant.purpose());
        }

        /** A grant, checked by {@link #build()} together with the rest of the port. */
        public Builder grant(String domain, String clearance, String purpose) {
            grants.add(new String[] {Objects.requireNonNull(domain, "domain"),
                Objects.requireNonNull(clearance, "clearance"), Objects.requireNonNull(purpose, "purpose")});
            return this;
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
         * The port, after checking all of it. Classifications found in the schema's field properties are added to
         * those given here (those given here win).
         *
         * @throws InvalidDataProductException listing every problem, each with its path in the port and its fix
         */
        public OutputPort build() {
            List<ValidationProblem> problems = new ArrayList<>();
            if (valueSchema == null) {
                problems.add(ValidationProblem.of(ValidationProblem.CODE, "schema", "the port has no value schema.",
                        "call valueSchema(...) with the Avro record schema of its values."));
            }
            if (key == null) {
                problems.add(ValidationProblem.of(ValidationProblem.CODE, "key", "the port has no key.",
                        "call keyField(\"<field of the value>\")."));
            }
            List<Grant> checkedGrants = new ArrayList<>();
            for (int i = 0; i < grants.size(); i++) {
                String[] grant = grants.get(i);
                List<ValidationProblem> grantProblems = DataProductValidation.grant(grant[0], grant[1], grant[2],
                        ValidationProblem.CODE);
                if (grantProblems.isEmpty()) {
                    checkedGrants.add(Grant.of(grant[0], grant[1], grant[2]));
                } else {
                    String path = "grants[" + i + "]";
                    grantProblems.forEach(p -> problems.add(DataProductValidation.at(p, p.source(), path)));
                }
            }
            problems.addAll(DataProductValidation.port(new PortDraft(name, majorVersion, description, valueSchema,
                    key, partitions, Optional.ofNullable(replicationFactor), topicConfigs, compatibility, rules,
                    classifications, checkedGrants, onViolation, Optional.ofNullable(freshness)),
                    ValidationProblem.CODE));
            if (!problems.isEmpty()) {
                throw new InvalidDataProductException(subject(), productId(), problems);
            }
            return new OutputPort(this, valueSchema, key, checkedGrants);
        }

        private String subject() {
            return "Output port '" + name + "' v" + majorVersion;
        }

        private String productId() {
            return "output port " + name + ".v" + majorVersion;
        }
    }
}
