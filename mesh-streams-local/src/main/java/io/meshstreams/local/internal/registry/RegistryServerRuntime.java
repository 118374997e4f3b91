package io.meshstreams.local.internal.registry;

import io.meshstreams.local.registry.SchemaRegistryStartException;
import java.time.Duration;
import java.util.Map;

/**
 * What a running {@code SchemaRegistryServer} holds: the HTTP server and the store under it. The
 * public class delegates here so that no implementation type appears in the public API.
 */
public final class RegistryServerRuntime implements AutoCloseable {
    private final RegistryStore store;
    private final RegistryHttpServer http;

    private RegistryServerRuntime(RegistryStore store, RegistryHttpServer http) {
        this.store = store;
        this.http = http;
    }

    /** Starts a registry kept in a Kafka topic: reads the topic to its end, then opens the HTTP port. */
    public static RegistryServerRuntime startKafkaBacked(String bootstrapServers, String topic,
                                                         Map<String, Object> clientConfig, String host, int port,
                                                         long maxBodyBytes, Duration idleTimeout,
                                                         Duration operationTimeout, Duration startTimeout) {
        KafkaRegistryStore store = KafkaRegistryStore.start(new KafkaRegistryStore.Settings(
                bootstrapServers, topic, clientConfig, operationTimeout, startTimeout));
        return startHttp(store, host, port, maxBodyBytes, idleTimeout);
    }

    /** Starts a registry whose state lives only in this process's memory. */
    public static RegistryServerRuntime startInMemory(String host, int port, long maxBodyBytes, Duration idleTimeout) {
        return startHttp(new InMemoryRegistryStore(), host, port, maxBodyBytes, idleTimeout);
    }

    private static RegistryServerRuntime startHttp(RegistryStore store, String host, int port, long maxBodyBytes,
                                                   Duration idleTimeout) {
        try {
            RegistryHttpServer http = RegistryHttpServer.start(store, RegistryHttpServer.Settings.defaults()
                    .withHost(host).withPort(port).withMaxBodyBytes(maxBodyBytes).withIdleTimeout(idleTimeout));
            return new RegistryServerRuntime(store, http);
        } catch (Exception e) {
            store.close();
            throw new SchemaRegistryStartException("Could not open the schema registry's HTTP port " + host + ":"
                    + port + ": " + e.getMessage() + (port != 0 ? "; is another process using it? Use port 0 for a free one" : ""), e);
        }
    }

    public String url() {
        return http.url();
    }

    public int port() {
        return http.port();
    }

    public long requestCount() {
        return http.requestCount();
    }

    /** Stops Jetty first (no new requests), then the store's reader thread and Kafka clients. */
    @Override
    public void close() {
        try {
            http.close();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RegistryServerRuntime.class).warn("Stopping the registry's HTTP server failed", e);
        } finally {
            store.close();
        }
    }
}
