package io.meshstreams.local.internal.registry;

import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server of the registry: one HTTP/1.1 connector on a host and port, a small thread pool,
 * idle and header limits, and {@link RegistryHandler} over a {@link RegistryStore}. Closing it stops
 * Jetty; the store belongs to the caller.
 */
final class RegistryHttpServer implements AutoCloseable {
    /** Settings of the HTTP side. */
    record Settings(String host, int port, long maxBodyBytes, Duration idleTimeout, int maxThreads) {
        static Settings defaults() {
            return new Settings("127.0.0.1", 0, 4L * 1024 * 1024, Duration.ofSeconds(30), 16);
        }

        Settings withHost(String value) {
            return new Settings(value, port, maxBodyBytes, idleTimeout, maxThreads);
        }

        Settings withPort(int value) {
            return new Settings(host, value, maxBodyBytes, idleTimeout, maxThreads);
        }

        Settings withMaxBodyBytes(long value) {
            return new Settings(host, port, value, idleTimeout, maxThreads);
        }

        Settings withIdleTimeout(Duration value) {
            return new Settings(host, port, maxBodyBytes, value, maxThreads);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final RegistryHandler handler;
    private final String host;

    private RegistryHttpServer(Server server, ServerConnector connector, RegistryHandler handler, String host) {
        this.server = server;
        this.connector = connector;
        this.handler = handler;
        this.host = host;
    }

    static RegistryHttpServer start(RegistryStore store, Settings settings) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(settings.maxThreads(), 4), 2);
        threads.setName("mesh-schema-registry-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        server.addConnector(connector);
        RegistryHandler handler = new RegistryHandler(new RegistryService(store), settings.maxBodyBytes());
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new RegistryHttpServer(server, connector, handler, settings.host());
    }

    int port() {
        return connector.getLocalPort();
    }

    String url() {
        String printable = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        if (printable.equals("0.0.0.0")) {
            printable = "127.0.0.1";
        }
        return "http://" + printable + ":" + port();
    }

    long requestCount() {
        return handler.requestCount();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the registry's HTTP server", e);
        }
    }
}
