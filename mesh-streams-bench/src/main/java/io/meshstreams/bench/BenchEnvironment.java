package io.meshstreams.bench;

import io.meshstreams.local.LocalMesh;

import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;

/**
 * Where an end-to-end benchmark runs: the servers given, or an in-process mesh it starts (and stops). Either way the
 * mesh-streams side and the plain-Kafka side share the same broker and the same machine in the same run.
 */
public final class BenchEnvironment implements AutoCloseable {
    private final @Nullable LocalMesh local;
    private final String bootstrapServers;
    private final String schemaRegistryUrl;

    private BenchEnvironment(@Nullable LocalMesh local, String bootstrapServers, String schemaRegistryUrl) {
        this.local = local;
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public static BenchEnvironment of(@Nullable String bootstrapServers, @Nullable String schemaRegistryUrl) {
        return of(bootstrapServers, schemaRegistryUrl, 1);
    }

    /** The servers given, or an in-process mesh with this many brokers (replication follows: min(3, brokers)). */
    public static BenchEnvironment of(@Nullable String bootstrapServers, @Nullable String schemaRegistryUrl, int brokers) {
        if (bootstrapServers != null && schemaRegistryUrl != null) {
            return new BenchEnvironment(null, bootstrapServers, schemaRegistryUrl);
        }
        LocalMesh mesh = LocalMesh.builder().brokers(brokers).start();
        return new BenchEnvironment(mesh, mesh.bootstrapServers(), mesh.schemaRegistryUrl());
    }

    public Map<String, Object> clientConfig(String domain) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("schema.registry.url", schemaRegistryUrl);
        config.put("mesh.domain", domain);
        return config;
    }

    /** The Kafka client settings of a configuration (no registry, serde or mesh keys). */
    public static Map<String, Object> kafkaOnly(Map<String, ?> config) {
        return io.meshstreams.internal.client.ClientConfigs.kafkaOnly(config);
    }

    public String describe() {
        if (local == null) {
            return "broker " + bootstrapServers + ", registry " + schemaRegistryUrl;
        }
        int brokers = local.kafka().brokerIds().size();
        return brokers == 1 ? "in-process broker and registry"
                : "in-process cluster of " + brokers + " brokers (replication " + Math.min(3, brokers) + ") and registry";
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }
}
