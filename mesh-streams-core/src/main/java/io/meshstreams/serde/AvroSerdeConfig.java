package io.meshstreams.serde;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde}. The
 * keys are Confluent's, except those that start with {@code mesh.}. A serde that is not handed a
 * {@link io.meshstreams.registry.SchemaRegistryClient} creates its own from the same map, so the
 * registry keys of {@link io.meshstreams.registry.SchemaRegistryClientConfig} ({@code schema.registry.url},
 * credentials, TLS, retries) go into the same map.
 *
 * <pre>{@code
 * schema.registry.url=http://localhost:8081
 * auto.register.schemas=false
 * specific.avro.reader=true
 * specific.avro.value.type=com.acme.orders.OrderPlaced
 * }</pre>
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    public static final String AUTO_REGISTER_SCHEMAS_DOC = "Serializer: register a record's schema under its subject "
            + "when first seen. If false, the schema must already be registered (the serializer looks it up), or "
            + "use.latest.version must be true.";

    public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
    public static final String USE_LATEST_VERSION_DOC = "Serializer: write with the id of the subject's latest schema, "
            + "which must have the same Avro parsing canonical form as the record's schema; set auto.register.schemas="
            + "false with it. Deserializer: read every record with the subject's latest schema as the reader schema "
            + "(records written with older versions are resolved to it).";

    public static final String LATEST_CACHE_TTL_SEC_CONFIG = "latest.cache.ttl.sec";
    public static final String LATEST_CACHE_TTL_SEC_DOC = "How long the subject's latest schema is remembered when "
            + "use.latest.version=true, in seconds; -1 (the default, as Confluent's) remembers it until restart.";

    public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";
    public static final String SPECIFIC_AVRO_READER_DOC = "Deserializer: return instances of the generated "
            + "SpecificRecord classes instead of GenericRecord. The reader schema is the generated class's schema: the "
            + "class named by specific.avro.key.type / specific.avro.value.type, else the class whose full name is the "
            + "writer schema's.";

    public static final String SPECIFIC_AVRO_KEY_TYPE_CONFIG = "specific.avro.key.type";
    public static final String SPECIFIC_AVRO_KEY_TYPE_DOC = "Deserializer: the generated class that keys are read "
            + "into. Its package becomes trusted by Avro's class loading check (see mesh.avro.trusted.packages).";
    public static final String SPECIFIC_AVRO_VALUE_TYPE_CONFIG = "specific.avro.value.type";
    public static final String SPECIFIC_AVRO_VALUE_TYPE_DOC = "Deserializer: the generated class that values are read "
            + "into. Its package becomes trusted by Avro's class loading check (see mesh.avro.trusted.packages).";

    public static final String KEY_SUBJECT_NAME_STRATEGY_CONFIG = "key.subject.name.strategy";
    public static final String KEY_SUBJECT_NAME_STRATEGY_DOC = "How key subjects are named: TopicNameStrategy "
            + "(<topic>-key, the default), RecordNameStrategy or TopicRecordNameStrategy; Confluent's class names "
            + "are accepted too.";
    public static final String VALUE_SUBJECT_NAME_STRATEGY_CONFIG = "value.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY_DOC = "How value subjects are named: TopicNameStrategy "
            + "(<topic>-value, the default), RecordNameStrategy or TopicRecordNameStrategy; Confluent's class names "
            + "are accepted too.";

    public static final String AVRO_FAIL_ON_TRAILING_DATA_CONFIG = "avro.fail.on.trailing.data";
    public static final String AVRO_FAIL_ON_TRAILING_DATA_DOC = "Deserializer: fail when bytes remain after the "
            + "record was decoded, a sign of corrupt data or a wrong schema id. Default true (Confluent's is false).";

    public static final String TRUSTED_PACKAGES_CONFIG = "mesh.avro.trusted.packages";
    public static final String TRUSTED_PACKAGES_DOC = "Deserializer: Java packages whose generated classes Avro may "
            + "load by name (sub-packages included). Avro 1.12 refuses to load classes outside its trusted packages "
            + "unless the JVM flag -Dorg.apache.avro.SERIALIZABLE_PACKAGES names them; this key, and the packages of "
            + "specific.avro.key.type / specific.avro.value.type, add to that list for the whole JVM.";

    private static final ConfigDef CONFIG = configDef();

    /** The definition of the serde's own keys; the registry client's are in {@link io.meshstreams.registry.SchemaRegistryClientConfig#configDef()}. */
    public static ConfigDef configDef() {
        return new ConfigDef()
                .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, AUTO_REGISTER_SCHEMAS_DOC)
                .define(USE_LATEST_VERSION_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, USE_LATEST_VERSION_DOC)
                .define(LATEST_CACHE_TTL_SEC_CONFIG, Type.LONG, -1L, ConfigDef.Range.atLeast(-1), Importance.LOW,
                        LATEST_CACHE_TTL_SEC_DOC)
                .define(SPECIFIC_AVRO_READER_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, SPECIFIC_AVRO_READER_DOC)
                .define(SPECIFIC_AVRO_KEY_TYPE_CONFIG, Type.CLASS, null, Importance.LOW, SPECIFIC_AVRO_KEY_TYPE_DOC)
                .define(SPECIFIC_AVRO_VALUE_TYPE_CONFIG, Type.CLASS, null, Importance.LOW, SPECIFIC_AVRO_VALUE_TYPE_DOC)
                .define(KEY_SUBJECT_NAME_STRATEGY_CONFIG, Type.STRING, SubjectNameStrategy.TOPIC_NAME.confluentName(),
                        new StrategyValidator(), Importance.LOW, KEY_SUBJECT_NAME_STRATEGY_DOC)
                .define(VALUE_SUBJECT_NAME_STRATEGY_CONFIG, Type.STRING, SubjectNameStrategy.TOPIC_NAME.confluentName(),
                        new StrategyValidator(), Importance.LOW, VALUE_SUBJECT_NAME_STRATEGY_DOC)
                .define(AVRO_FAIL_ON_TRAILING_DATA_CONFIG, Type.BOOLEAN, true, Importance.LOW, AVRO_FAIL_ON_TRAILING_DATA_DOC)
                .define(TRUSTED_PACKAGES_CONFIG, Type.LIST, List.of(), Importance.LOW, TRUSTED_PACKAGES_DOC);
    }

    /**
     * Parses and validates the serde's keys in {@code configs}; other keys are ignored.
     *
     * @throws ConfigException naming the key, the value and what is valid
     */
    public AvroSerdeConfig(Map<String, ?> configs) {
        super(CONFIG, configs, false);
    }

    /** The subject name strategy for keys or values. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String name = getString(isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG);
        return SubjectNameStrategy.parse(name).orElseThrow();
    }

    /** The generated class for keys or values, or null if none is configured. */
    public @Nullable Class<?> specificType(boolean isKey) {
        return getClass(isKey ? SPECIFIC_AVRO_KEY_TYPE_CONFIG : SPECIFIC_AVRO_VALUE_TYPE_CONFIG);
    }

    private static final class StrategyValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, @Nullable Object value) {
            if (value == null || SubjectNameStrategy.parse(value.toString()).isEmpty()) {
                throw new ConfigException(name, value, "use one of " + SubjectNameStrategy.validNames()
                        + " (Confluent's class names in io.confluent.kafka.serializers.subject are accepted too)");
            }
        }

        @Override
        public String toString() {
            return SubjectNameStrategy.validNames();
        }
    }
}
