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
 *
 * <p>A <b>secured</b> mesh ({@link Builder#secure(boolean)}) is what {@code mesh dev --secure} runs:
 *
 * <pre>{@code
 * try (LocalMesh mesh = LocalMesh.builder().secure(true).start()) {
 *     Map<String, Object> platform = mesh.platformClientConfig();           // User:platform, a super user
 *     // ... create the SCRAM user "analytics" with Admin.alterUserScramCredentials, then:
 *     Map<String, Object> analytics = mesh.clientConfig("analytics", password); // User:analytics
 * }
 * }</pre>
 * <ol>
 *   <li>Kafka is an {@link EmbeddedKafkaCluster.Builder#secure(boolean) secured cluster}: SASL_PLAINTEXT with
 *       SCRAM-SHA-512 for clients, an authenticated controller listener, the {@code StandardAuthorizer} with
 *       {@code allow.everyone.if.no.acl.found=false}, super users {@code User:platform}, {@code User:registry} and
 *       {@code User:broker}.</li>
 *   <li>The registry's own Kafka clients authenticate as {@code User:registry}.</li>
 *   <li>The configurations this class hands out are complete for Kafka clients and for registry clients (Confluent's
 *       {@code basic.auth.credentials.source=USER_INFO} and {@code basic.auth.user.info=<user>:<password>}), except
 *       {@link #clientConfig()}, which names the servers and the protocol but holds no credentials.</li>
 *   <li>With a data directory the built-in users' passwords are kept in it, owner-only, and survive a restart.</li>
 * </ol>
 */
public final class LocalMesh implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalMesh.class);
    private static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    private static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    private static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    private static final String PLATFORM = "platform";
    private static final String REGISTRY = "registry";

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

    /**
     * {@code bootstrap.servers} and {@code schema.registry.url}, ready to copy into any client configuration, in a new
     * mutable map. For a secured mesh also {@code security.protocol} and {@code sasl.mechanism}, but no credentials:
     * use {@link #platformClientConfig()} or {@link #clientConfig(String, String)}.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        return config;
    }

    /** True if the mesh was started {@link Builder#secure(boolean) secured}. */
    public boolean isSecure() {
        return kafka.isSecure();
    }

    /**
     * The complete client configuration of the platform principal {@code User:platform}, a super user of Kafka and
     * the registry's administrator, in a new mutable map: {@link #clientConfig()} plus its {@code sasl.jaas.config}
     * and its registry basic auth. For an unsecured mesh the same as {@link #clientConfig()}.
     */
    public Map<String, Object> platformClientConfig() {
        if (!isSecure()) {
            return clientConfig();
        }
        return clientConfig(PLATFORM, kafka.builtInPassword(PLATFORM));
    }

    /**
     * The complete client configuration of a SCRAM-SHA-512 user of this secured mesh (created with
     * {@code Admin.alterUserScramCredentials}, e.g. by {@code mesh apply --credentials-dir}), in a new mutable map:
     * {@link #clientConfig()} plus the user's {@code sasl.jaas.config} and the registry's
     * {@code basic.auth.credentials.source=USER_INFO} and {@code basic.auth.user.info=<user>:<password>}. Kafka and
     * the registry both know the user as {@code User:<user>}.
     *
     * @throws IllegalStateException    if the mesh is not secured
     * @throws IllegalArgumentException if the user name is not 1 to 128 letters, digits, {@code .}, {@code _} or
     *                                  {@code -}, or the password holds a control character
     */
    public Map<String, Object> clientConfig(String user, String password) {
        Map<String, Object> config = kafka.clientConfig(user, password);
        config.put(SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        config.put(BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(BASIC_AUTH_USER_INFO, user + ":" + password);
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
        private boolean secure;

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

        /**
         * Secures the mesh (false by default): a {@link EmbeddedKafkaCluster.Builder#secure(boolean) secured Kafka
         * cluster}, and a registry whose Kafka clients act as {@code User:registry}; see the class documentation.
         */
        public Builder secure(boolean secured) {
            this.secure = secured;
            kafka.secure(secured);
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
                SchemaRegistryServer.Builder registry = SchemaRegistryServer.builder()
                        .bootstrapServers(cluster.bootstrapServers())
                        .host(host)
                        .port(registryPort);
                if (secure) {
                    registry.kafkaClientConfig(cluster.clientConfig(REGISTRY, cluster.builtInPassword(REGISTRY)));
                }
                SchemaRegistryServer server = registry.start();
                log.info("Local mesh ready in {} ms: kafka={} registry={}{}",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), cluster.bootstrapServers(), server.url(),
                        secure ? " (secured)" : "");
                return new LocalMesh(cluster, server);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
    }
}
