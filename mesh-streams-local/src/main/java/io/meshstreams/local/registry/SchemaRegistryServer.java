package io.meshstreams.local.registry;

import io.meshstreams.local.internal.registry.RegistryServerRuntime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A schema registry server that speaks Confluent Schema Registry's REST API (v1), so that Confluent's
 * serializers and clients, and mesh-streams' own, can use it as they would Confluent, Apicurio
 * (ccompat) or Karapace. Its state lives in a compacted Kafka topic ({@code _schemas} by default, the
 * layout of Confluent's own store), so a restarted server, or a second instance on the same cluster
 * and topic, has every subject, version, id and compatibility level.
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.builder()
 *         .bootstrapServers(kafka.bootstrapServers())
 *         .start()) {
 *     String url = registry.url();   // schema.registry.url for serializers
 * }
 * }</pre>
 *
 * <p>Contract:
 * <ol>
 *   <li>Lifecycle: {@link Builder#start()} verifies the topic (creating it, with one partition,
 *       {@code cleanup.policy=compact} and replication factor min(3, brokers), if it is missing), reads it
 *       to its end, and only then opens the HTTP port, so the first request already sees the whole state.
 *       {@link #close()} stops accepting requests, then stops the reader thread and closes every Kafka
 *       client the server created. It is idempotent.</li>
 *   <li>Ownership: the server creates and closes its own Kafka clients and Jetty server. It never closes
 *       the Kafka cluster it points at; whoever started the cluster stops it, after the server.</li>
 *   <li>Threading: the accessors are thread-safe. Requests are served on a small Jetty thread pool;
 *       writes of one server run one at a time, and writes of several servers on one topic are
 *       serialized through Kafka transactions that share one {@code transactional.id}, so an id is
 *       never issued twice, nor reused after a permanent delete.</li>
 *   <li>Failure: a request never hangs. A write that cannot reach Kafka within
 *       {@link Builder#operationTimeout(Duration)} answers 500 with {@code error_code} 50002; bad input
 *       always answers 4xx with {@code {"error_code": ..., "message": ...}}.</li>
 * </ol>
 */
public final class SchemaRegistryServer implements AutoCloseable {
    /** Confluent's name for the store topic setting, and its default. */
    public static final String TOPIC_CONFIG = "kafkastore.topic";
    public static final String DEFAULT_TOPIC = "_schemas";

    private final RegistryServerRuntime runtime;
    private final String topic;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SchemaRegistryServer(RegistryServerRuntime runtime, String topic) {
        this.runtime = runtime;
        this.topic = topic;
    }

    /** A builder with the defaults: {@code 127.0.0.1}, a free port, topic {@value #DEFAULT_TOPIC}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL, such as {@code http://127.0.0.1:40123}: the value of {@code schema.registry.url}. */
    public String url() {
        return runtime.url();
    }

    /** The HTTP port the server listens on (the chosen one when the builder asked for port 0). */
    public int port() {
        return runtime.port();
    }

    /** The Kafka topic that holds the registry's state. */
    public String topic() {
        return topic;
    }

    /**
     * The number of HTTP requests this server has answered since it started, whatever their outcome:
     * for tests that check that a client caches (no request after the first record).
     */
    public long requestCount() {
        return runtime.requestCount();
    }

    /** Stops the HTTP server, the reader thread and the Kafka clients; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            runtime.close();
        }
    }

    @Override
    public String toString() {
        return "SchemaRegistryServer[" + (closed.get() ? "closed" : url()) + ", topic " + topic + "]";
    }

    /** Settings of a {@link SchemaRegistryServer}. Mutable and not thread-safe; {@link #start()} may be called more than once. */
    public static final class Builder {
        private String bootstrapServers = "";
        private String host = "127.0.0.1";
        private int port;
        private String topic = DEFAULT_TOPIC;
        private final Map<String, Object> kafkaClientConfig = new LinkedHashMap<>();
        private Duration operationTimeout = Duration.ofSeconds(10);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long maxRequestBytes = 4L * 1024 * 1024;

        private Builder() {
        }

        /** The Kafka cluster that holds the state ({@code bootstrap.servers}); required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The address to listen on, {@code 127.0.0.1} by default; {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The HTTP port, 0 (the default) for a free one; see {@link SchemaRegistryServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The topic that holds the state (Confluent's {@value #TOPIC_CONFIG}), {@value #DEFAULT_TOPIC} by
         * default. Servers that share a topic (and cluster) share one registry.
         */
        public Builder topic(String topic) {
            if (Objects.requireNonNull(topic, "topic").isBlank()) {
                throw new IllegalArgumentException("topic must not be blank");
            }
            this.topic = topic;
            return this;
        }

        /**
         * Extra Kafka client settings for the server's admin, consumers and producer, such as
         * {@code security.protocol} and {@code sasl.jaas.config}. Settings the server relies on
         * (serializers, isolation level, transactional id, acks, group id, client id) are its own and
         * ignored here. The principal needs to describe and create (or find) the topic, read and write
         * it, and write its transactional id {@code mesh-schema-registry-<topic>}.
         */
        public Builder kafkaClientConfig(Map<String, ?> config) {
            Objects.requireNonNull(config, "config").forEach((key, value) ->
                    kafkaClientConfig.put(Objects.requireNonNull(key, "config key"), Objects.requireNonNull(value, key)));
            return this;
        }

        /** How long a write may wait for Kafka before it answers 50002; 10 s by default. */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = positive(timeout, "operationTimeout");
            return this;
        }

        /** How long {@link #start()} may take to verify and read the topic; 60 s by default. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /** How long an HTTP connection may stay idle, mid-request or between requests; 30 s by default. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /** The largest request body accepted; larger ones get 413. 4 MiB by default. */
        public Builder maxRequestBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 1024, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        private static Duration positive(Duration value, String name) {
            if (Objects.requireNonNull(value, name).isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        /**
         * Verifies or creates the topic, reads it to its end and opens the HTTP port.
         *
         * @throws SchemaRegistryStartException if the topic is unusable, Kafka does not answer within the
         *                                      start timeout, or the port cannot be bound
         */
        public SchemaRegistryServer start() {
            if (bootstrapServers.isBlank()) {
                throw new IllegalStateException("bootstrapServers is required: the registry keeps its state in Kafka. "
                        + "Call bootstrapServers(kafka.bootstrapServers()) before start()");
            }
            RegistryServerRuntime runtime = RegistryServerRuntime.startKafkaBacked(bootstrapServers, topic,
                    kafkaClientConfig, host, port, maxRequestBytes, idleTimeout, operationTimeout, startTimeout);
            return new SchemaRegistryServer(runtime, topic);
        }
    }
}
