package io.meshstreams.internal.client;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.jspecify.annotations.Nullable;

import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Splits one configuration map (Kafka, registry, serde and mesh keys together) into what each client takes. */
public final class ClientConfigs {
    private static final Set<String> NON_KAFKA_PREFIXES = Set.of("mesh.", "schema.registry.", "basic.auth.", "bearer.auth.");
    private static final Set<String> NON_KAFKA_KEYS = Set.of("auto.register.schemas", "use.latest.version",
            "latest.cache.ttl.sec", "specific.avro.reader", "specific.avro.key.type", "specific.avro.value.type",
            "key.subject.name.strategy", "value.subject.name.strategy", "avro.fail.on.trailing.data", "max.retries",
            "retries.wait.ms", "retries.max.wait.ms", "http.connect.timeout.ms", "http.read.timeout.ms",
            "max.schemas.per.subject");

    /** What {@link #redacted} shows in place of a secret. */
    public static final String HIDDEN = "[hidden]";

    /** Keys typed {@code PASSWORD} by the Kafka clients and Kafka Streams, e.g. {@code ssl.key.password}. */
    private static final Set<String> PASSWORD_KEYS = passwordKeys();
    /** Names of secrets in keys no ConfigDef of ours knows (other libraries', prefixed ones). */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(password|secret|jaas|user\\.info|token|hash\\.key|credential|private\\.key|api\\.key)",
            Pattern.CASE_INSENSITIVE);

    private ClientConfigs() {
    }

    private static Set<String> passwordKeys() {
        Set<String> keys = new HashSet<>();
        for (ConfigDef definition : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef(), StreamsConfig.configDef())) {
            definition.configKeys().forEach((name, key) -> {
                if (key.type() == ConfigDef.Type.PASSWORD) {
                    keys.add(name);
                }
            });
        }
        return Set.copyOf(keys);
    }

    /**
     * True if the value of {@code key} is a secret: typed as a password by Kafka (with or without a client prefix
     * such as {@code producer.}), a {@link Password} value, or named like one ({@code sasl.jaas.config},
     * {@code basic.auth.user.info}, {@code bearer.auth.token}, {@code mesh.masking.hash.key}, {@code *.password},
     * {@code *.secret}, ...).
     */
    public static boolean isSecret(String key, @Nullable Object value) {
        if (value instanceof Password || PASSWORD_KEYS.contains(key) || SECRET_NAME.matcher(key).find()) {
            return true;
        }
        int dot = key.indexOf('.');
        while (dot >= 0) {
            if (PASSWORD_KEYS.contains(key.substring(dot + 1))) {
                return true;
            }
            dot = key.indexOf('.', dot + 1);
        }
        return false;
    }

    /** A copy of the configuration with every secret's value replaced by {@value #HIDDEN}. */
    public static Map<String, Object> redacted(Map<String, ?> config) {
        Map<String, Object> shown = new HashMap<>();
        config.forEach((key, value) -> shown.put(key, isSecret(key, value) ? HIDDEN : value));
        return shown;
    }

    /**
     * The keys a Kafka producer, consumer or admin client understands (connection and security settings included),
     * without the registry's, the serde's and ours, so that Kafka does not warn about unknown keys.
     */
    public static Map<String, Object> kafkaOnly(Map<String, ?> config) {
        Map<String, Object> kafka = new HashMap<>();
        config.forEach((key, value) -> {
            if (value != null && !NON_KAFKA_KEYS.contains(key)
                    && NON_KAFKA_PREFIXES.stream().noneMatch(key::startsWith)) {
                kafka.put(key, value);
            }
        });
        return kafka;
    }
}
