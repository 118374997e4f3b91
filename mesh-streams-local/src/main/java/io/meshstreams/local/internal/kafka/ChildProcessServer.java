package io.meshstreams.local.internal.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A broker in a JVM of its own, a child of this one: {@link BrokerProcessMain} runs {@code kafka.Kafka} on a
 * {@code server.properties} written next to the broker's data, with this JVM's classpath. Its output goes to
 * {@code server.log} in the same directory (appended across restarts).
 *
 * <ol>
 *   <li>{@link #stop()} sends SIGTERM: Kafka's shutdown hook does a controlled shutdown, as
 *       {@code kafka-server-stop.sh} would.</li>
 *   <li>{@link #kill()} sends SIGKILL: no controlled shutdown, no shutdown hook, no clean-shutdown marker, so the
 *       controller fences the broker only when its session times out and the restarted broker recovers its logs.
 *       The operating system keeps what the broker had written to its page cache: this is a process crash, not a
 *       power cut.</li>
 *   <li>The child halts by itself when this JVM ends (see {@link BrokerProcessMain}).</li>
 * </ol>
 */
final class ChildProcessServer implements RunningNode {
    private static final Logger log = LoggerFactory.getLogger(ChildProcessServer.class);
    /** Sized for a test broker on a small shared machine: a small heap, one GC thread, a quick JIT. */
    private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Djava.awt.headless=true");
    private static final long STOP_TIMEOUT_SECONDS = 60;
    private static final int LOG_TAIL_BYTES = 4096;

    private final int nodeId;
    private final Process process;
    private final Path logFile;

    private ChildProcessServer(int nodeId, Process process, Path logFile) {
        this.nodeId = nodeId;
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts the broker's JVM and returns; the cluster waits until the broker has registered. */
    static ChildProcessServer start(int nodeId, Map<String, String> config, Path processDirectory) {
        Path properties = processDirectory.resolve("server.properties");
        Path logFile = processDirectory.resolve("server.log");
        try {
            Files.createDirectories(processDirectory);
            writeOwnerOnly(properties, config);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.add("-D" + BrokerProcessMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
            command.add(BrokerProcessMain.class.getName());
            command.add(properties.toAbsolutePath().toString());
            ProcessBuilder builder = new ProcessBuilder(command);
            // In the environment rather than -cp: the command line stays short enough for ps and ProcessHandle.
            builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            log.debug("Kafka broker {} started as process {} (log {})", nodeId, process.pid(), logFile);
            return new ChildProcessServer(nodeId, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka broker " + nodeId + " as a child process in "
                    + processDirectory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit()) {
            log.warn("Kafka broker {} (process {}) did not stop within {} s after SIGTERM; killing it", nodeId,
                    process.pid(), STOP_TIMEOUT_SECONDS);
            kill();
        }
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        if (!awaitExit()) {
            throw new IllegalStateException("Kafka broker " + nodeId + " (process " + process.pid()
                    + ") is still alive " + STOP_TIMEOUT_SECONDS + " s after SIGKILL");
        }
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String exitReport() {
        String exit = process.isAlive() ? "is running" : "exited with code " + process.exitValue();
        return "process " + process.pid() + " " + exit + "; the end of its log " + logFile + ":\n" + logTail();
    }

    private boolean awaitExit() {
        try {
            return process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka broker " + nodeId + " to end", e);
        }
    }

    private String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    /** The configuration may hold credentials (SASL settings given as broker properties): readable by us alone. */
    private static void writeOwnerOnly(Path file, Map<String, String> config) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Properties properties = new Properties();
        properties.putAll(config);
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "Kafka broker written by mesh-streams' EmbeddedKafkaCluster");
        }
    }
}
