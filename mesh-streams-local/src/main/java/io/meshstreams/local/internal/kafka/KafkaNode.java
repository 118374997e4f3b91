package io.meshstreams.local.internal.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One KRaft node (broker, controller or both) of an embedded cluster: its configuration, its formatted
 * storage and, while running, its {@link KafkaRaftServer}. Not thread-safe; the cluster serialises calls.
 */
public final class KafkaNode {
    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);

    private final int nodeId;
    private final int clientPort;
    private final Path directory;
    private final String clusterId;
    private final Map<String, Object> config;
    private @Nullable KafkaRaftServer server;

    private KafkaNode(int nodeId, int clientPort, Path directory, String clusterId, Map<String, Object> config) {
        this.nodeId = nodeId;
        this.clientPort = clientPort;
        this.directory = directory;
        this.clusterId = clusterId;
        this.config = config;
    }

    public static KafkaNode combined(int nodeId, String host, int clientPort, int controllerPort, Path directory,
                                     String clusterId, Map<String, Object> common) {
        Map<String, Object> config = base(nodeId, "broker,controller", directory, common);
        config.put("listeners", "PLAINTEXT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPort);
        config.put("inter.broker.listener.name", "PLAINTEXT");
        return new KafkaNode(nodeId, clientPort, directory, clusterId, config);
    }

    public static KafkaNode broker(int nodeId, String host, int clientPort, Path directory, String clusterId,
                                   Map<String, Object> common) {
        Map<String, Object> config = base(nodeId, "broker", directory, common);
        config.put("listeners", "PLAINTEXT://" + host + ":" + clientPort);
        config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPort);
        config.put("inter.broker.listener.name", "PLAINTEXT");
        return new KafkaNode(nodeId, clientPort, directory, clusterId, config);
    }

    public static KafkaNode controller(int nodeId, String host, int controllerPort, Path directory, String clusterId,
                                       Map<String, Object> common) {
        Map<String, Object> config = base(nodeId, "controller", directory, common);
        config.put("listeners", "CONTROLLER://" + host + ":" + controllerPort);
        return new KafkaNode(nodeId, -1, directory, clusterId, config);
    }

    private static Map<String, Object> base(int nodeId, String roles, Path directory, Map<String, Object> common) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("process.roles", roles);
        config.put("node.id", nodeId);
        config.put("log.dirs", directory.toAbsolutePath().toString());
        config.putAll(common);
        return config;
    }

    public int nodeId() {
        return nodeId;
    }

    public int clientPort() {
        return clientPort;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** Formats the node's storage unless it is already formatted, as {@code kafka-storage.sh format} would. */
    public void format() {
        try {
            Files.createDirectories(directory);
            if (Files.exists(directory.resolve("meta.properties"))) {
                return;
            }
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(directory.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(directory.toAbsolutePath().toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format Kafka storage in " + directory + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Starts the node; returns when its broker (if any) has started. */
    public void start() {
        if (server != null) {
            return;
        }
        // Kafka's ConfigDef wants strings (or exactly-typed values, such as a short for replication factors).
        Map<String, String> props = new LinkedHashMap<>();
        config.forEach((key, value) -> props.put(key, String.valueOf(value)));
        KafkaRaftServer created = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            created.startup();
        } catch (RuntimeException e) {
            stopServer(created);
            throw new IllegalStateException("Kafka node " + nodeId + " failed to start: " + e.getMessage(), e);
        }
        server = created;
        log.debug("Kafka node {} started", nodeId);
    }

    /** Stops the node (a controlled shutdown for a broker) and waits until it has stopped; its data stays. */
    public void stop() {
        KafkaRaftServer running = server;
        if (running != null) {
            server = null;
            running.shutdown();
            running.awaitShutdown();
        }
    }

    public void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Kafka node {} did not stop cleanly: {}", nodeId, e.toString());
        }
    }

    private static void stopServer(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Could not stop a Kafka node that failed to start: {}", e.toString());
        }
    }
}
