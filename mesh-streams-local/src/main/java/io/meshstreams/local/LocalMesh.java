package io.meshstreams.local;

import io.meshstreams.local.registry.SchemaRegistryServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A whole mesh in this JVM: an {@link EmbeddedKafkaCluster} and a {@link SchemaRegistryServer} that keeps its
 * schemas in that cluster. This is what {@code mesh dev}, {@code mesh demo} and the test kit run.
 *
 * <pre>{@code
 * try (LocalMesh mesh = LocalMesh.builder().start()) {
 *     Map<String, Object> config = mesh.clientConfig(); // bootstrap.servers, schema.registry.url
 * }
 * }</pre>
 *
 * <p>Guarantees:
 * <ol>
 *   <li>{@link Builder#start()} returns once the brokers and the registry both accept requests.</li>
 *   <li>With a {@link Builder#dataDirectory(Path) data directory}, topics, records and schemas survive a restart.</li>
 *   <li>{@link #close()} stops the registry, then Kafka; it is idempotent and thread-safe.</li>
 * </ol>
 */
public final class LocalMesh implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalMesh.class);

    private final EmbeddedKafkaCluster kafka;
    private final SchemaRegistryServer registry;
    private boolean closed;

    private LocalMesh(EmbeddedKafkaCluster kafka, SchemaRegistryServer registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port,...} of the brokers. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The registry's base URL, {@code http://host:port}. */
    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** {@code bootstrap.servers} and {@code schema.registry.url}, ready to copy into any client configuration. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put("schema.registry.url", schemaRegistryUrl());
        return config;
    }

    public EmbeddedKafkaCluster kafka() {
        return kafka;
    }

    public SchemaRegistryServer registry() {
        return registry;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }

    /** Settings for a {@link LocalMesh}; mutable, not thread-safe. */
    public static final class Builder {
        private final EmbeddedKafkaCluster.Builder kafka = EmbeddedKafkaCluster.builder();
        private String host = "127.0.0.1";
        private int registryPort;

        private Builder() {
        }

        /** The host both servers bind to and advertise, {@code 127.0.0.1} by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            kafka.host(host);
            return this;
        }

        /** The client port of the first broker; 0 (the default) picks a free port. */
        public Builder kafkaPort(int port) {
            kafka.kafkaPort(port);
            return this;
        }

        /** The registry's HTTP port; 0 (the default) picks a free port. */
        public Builder registryPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("registryPort must be 0 (any free port) or 1..65535, got " + port);
            }
            this.registryPort = port;
            return this;
        }

        /** The number of brokers, 1 by default. */
        public Builder brokers(int count) {
            kafka.brokers(count);
            return this;
        }

        /**
         * Runs each broker in a JVM of its own, so that brokers can be killed; see
         * {@link EmbeddedKafkaCluster.Builder#brokersInChildProcesses(boolean)}.
         */
        public Builder brokersInChildProcesses(boolean inChildProcesses) {
            kafka.brokersInChildProcesses(inChildProcesses);
            return this;
        }

        /** Keeps Kafka's data (and with it every schema) in this directory across restarts. */
        public Builder dataDirectory(Path directory) {
            kafka.dataDirectory(Objects.requireNonNull(directory, "directory").resolve("kafka"));
            return this;
        }

        /** A broker configuration property; overrides the embedded defaults. */
        public Builder brokerProperty(String key, Object value) {
            kafka.brokerProperty(key, value);
            return this;
        }

        public LocalMesh start() {
            long started = System.nanoTime();
            EmbeddedKafkaCluster cluster = kafka.start();
            try {
                SchemaRegistryServer server = SchemaRegistryServer.builder()
                        .bootstrapServers(cluster.bootstrapServers())
                        .host(host)
                        .port(registryPort)
                        .start();
                log.info("Local mesh ready in {} ms: kafka={} registry={}",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), cluster.bootstrapServers(), server.url());
                return new LocalMesh(cluster, server);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
    }
}
