package io.meshstreams.internal.client;

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

    private ClientConfigs() {
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
