package io.meshstreams.internal.client;

import io.meshstreams.MeshClient;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the library's own classes in other packages need of a {@link MeshClient} and users must not see: its whole
 * configuration, secrets included ({@link MeshClient#config()} hides them). {@code MeshClient} installs the accessor
 * when its class is initialised, which happens before any instance can be passed here.
 */
public final class MeshClientInternals {
    private static volatile Function<MeshClient, Map<String, Object>> configs;

    private MeshClientInternals() {
    }

    /** Called once, by {@code MeshClient}'s static initialiser. */
    public static synchronized void install(Function<MeshClient, Map<String, Object>> accessor) {
        if (configs != null) {
            throw new IllegalStateException("MeshClientInternals is installed already");
        }
        configs = Objects.requireNonNull(accessor, "accessor");
    }

    /** The client's whole configuration (a copy), secrets in clear: for creating clients, never for showing. */
    public static Map<String, Object> config(MeshClient client) {
        return configs.apply(client);
    }

    /** The Kafka part of the client's configuration (a copy), secrets in clear. */
    public static Map<String, Object> kafkaConfig(MeshClient client) {
        return ClientConfigs.kafkaOnly(config(client));
    }
}
