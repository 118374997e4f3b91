package io.meshstreams.local.internal.kafka;

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
 * storage and, while running, its server: a {@code KafkaRaftServer} in this JVM, or for a broker created with
 * {@code inChildProcess}, a JVM of its own that can be killed. Not thread-safe; the cluster serialises calls.
 */
public final class KafkaNode {
    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);

    private final int nodeId;
    private final int clientPort;
    private final Path directory;
    private final String clusterId;
    private final Map<String, Object> config;
    private final boolean inChildProcess;
    private final List<String> scramArguments;
    private @Nullable RunningNode running;

    private KafkaNode(int nodeId, int clientPort, Path directory, String clusterId, Map<String, Object> config,
                      boolean inChildProcess, List<String> scramArguments) {
        this.scramArguments = List.copyOf(scramArguments);
        this.nodeId = nodeId;
        this.clientPort = clientPort;
        this.directory = directory;
        this.clusterId = clusterId;
        this.config = config;
        this.inChildProcess = inChildProcess;
    }

    /**
     * A node that is broker and controller. {@code clientListener} names the client (and inter-broker) listener, whose
     * security protocol {@code common}'s {@code listener.security.protocol.map} gives; {@code scramArguments} are
     * Kafka's {@code --add-scram} arguments for the storage format (empty for none).
     */
    public static KafkaNode combined(int nodeId, String host, int clientPort, int controllerPort, Path directory,
                                     String clusterId, Map<String, Object> common, String clientListener,
                                     List<String> scramArguments) {
        Map<String, Object> config = base(nodeId, "broker,controller", directory, common);
        config.put("listeners", clientListener + "://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
        config.put("advertised.listeners", clientListener + "://" + host + ":" + clientPort);
        config.put("inter.broker.listener.name", clientListener);
        return new KafkaNode(nodeId, clientPort, directory, clusterId, config, false, scramArguments);
    }

    /** A broker-only node; {@code inChildProcess} runs it in a JVM of its own, so that it can be killed. */
    public static KafkaNode broker(int nodeId, String host, int clientPort, Path directory, String clusterId,
                                   Map<String, Object> common, boolean inChildProcess, String clientListener,
                                   List<String> scramArguments) {
        Map<String, Object> config = base(nodeId, "broker", directory, common);
        config.put("listeners", clientListener + "://" + host + ":" + clientPort);
        config.put("advertised.listeners", clientListener + "://" + host + ":" + clientPort);
        config.put("inter.broker.listener.name", clientListener);
        return new KafkaNode(nodeId, clientPort, directory, clusterId, config, inChildProcess, scramArguments);
    }

    public static KafkaNode controller(int nodeId, String host, int controllerPort, Path directory, String clusterId,
                                       Map<String, Object> common, List<String> scramArguments) {
        Map<String, Object> config = base(nodeId, "controller", directory, common);
        config.put("listeners", "CONTROLLER://" + host + ":" + controllerPort);
        return new KafkaNode(nodeId, -1, directory, clusterId, config, false, scramArguments);
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

    /** True while the node runs: started, and neither stopped, killed nor ended on its own. */
    public boolean isRunning() {
        return running != null && running.isAlive();
    }

    /**
     * Throws if the node was started and has ended without being stopped or killed (a child process that crashed or
     * could not start), with its exit code and the end of its log.
     */
    public void failIfEndedOnItsOwn() {
        RunningNode current = running;
        if (current != null && !current.isAlive()) {
            throw new IllegalStateException("Kafka broker " + nodeId + " ended on its own: " + current.exitReport());
        }
    }

    /**
     * Formats the node's storage unless it is already formatted, as {@code kafka-storage.sh format} would, with the
     * node's {@code --add-scram} credentials in the bootstrap metadata (a controller writes them into the metadata log
     * when the cluster first starts). A formatted node keeps the credentials it was formatted with.
     */
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
                    .setScramArguments(scramArguments)
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format Kafka storage in " + directory + ": " + e.getMessage(), e);
        } catch (Exception e) {
            // The formatter's messages name an argument it cannot parse, which could be a credential: say less then.
            String detail = scramArguments.isEmpty() ? e.getMessage() : e.getClass().getSimpleName();
            throw new IllegalStateException("Cannot format Kafka storage in " + directory + ": " + detail, e);
        }
    }

    /**
     * Starts the node. In this JVM, returns when its broker (if any) has started; in a child process, as soon as the
     * process runs (the cluster then waits until the broker registers).
     */
    public void start() {
        if (isRunning()) {
            return;
        }
        // Kafka's ConfigDef wants strings (or exactly-typed values, such as a short for replication factors).
        Map<String, String> props = new LinkedHashMap<>();
        config.forEach((key, value) -> props.put(key, String.valueOf(value)));
        running = inChildProcess
                ? ChildProcessServer.start(nodeId, props, processDirectory())
                : InProcessServer.start(nodeId, props);
        log.debug("Kafka node {} started{}", nodeId, inChildProcess ? " in a child process" : "");
    }

    /** Stops the node (a controlled shutdown for a broker) and waits until it has stopped; its data stays. */
    public void stop() {
        RunningNode current = running;
        if (current != null) {
            running = null;
            current.stop();
        }
    }

    /**
     * Kills the node as {@code kill -9} would and waits until it is gone; its data stays as the crash left it.
     *
     * @throws IllegalStateException if the node runs in this JVM, or is not running
     */
    public void kill() {
        RunningNode current = running;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException("Kafka broker " + nodeId + " is not running; start it before killing it");
        }
        current.kill();
        running = null;
    }

    public void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Kafka node {} did not stop cleanly: {}", nodeId, e.toString());
        }
    }

    /** Ends the node as fast as it can: killed if it runs in a child process, otherwise stopped. */
    public void endQuietly() {
        RunningNode current = running;
        if (current == null) {
            return;
        }
        if (!inChildProcess) {
            stopQuietly();
            return;
        }
        try {
            running = null;
            current.kill();
        } catch (RuntimeException e) {
            log.warn("Kafka node {} could not be killed: {}", nodeId, e.toString());
        }
    }

    /** Where a child process keeps its {@code server.properties} and {@code server.log}: beside the data, not in it. */
    private Path processDirectory() {
        return directory.resolveSibling(directory.getFileName() + "-process");
    }
}
