package io.meshstreams.cli;

import io.meshstreams.local.LocalMesh;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mesh dev}: a Kafka broker and a schema registry on this machine until interrupted. Prints exactly one
 * line on standard output once both accept requests.
 */
@Command(name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a Kafka broker (KRaft) and a schema registry on this machine until Ctrl+C.",
            "The registry speaks Confluent's REST API. Prints one line when both accept requests.",
            "",
            "Point any client at it with bootstrap.servers and schema.registry.url from the ready line."
        })
final class DevCommand implements Callable<Integer> {
    static final String READY_PREFIX = "mesh dev ready: ";

    @Spec
    private CommandSpec spec;

    @Option(names = "--kafka-port", paramLabel = "N", defaultValue = "9092",
            description = "Client port of the broker (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "N", defaultValue = "8081",
            description = "HTTP port of the schema registry (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int registryPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep topics, records and schemas in DIR, so that a restart finds them again."
                    + " Without it, everything lives in a temporary directory deleted on exit.")
    private Path dataDirectory;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Host to bind and advertise (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = {"-v", "--verbose"}, description = "Log Kafka's and the registry's INFO messages to stderr.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        checkPortFree("--kafka-port", kafkaPort);
        checkPortFree("--registry-port", registryPort);
        LocalMesh.Builder builder = LocalMesh.builder().host(host).kafkaPort(kafkaPort).registryPort(registryPort);
        if (dataDirectory != null) {
            builder.dataDirectory(dataDirectory.toAbsolutePath());
        }
        LocalMesh mesh = builder.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("mesh dev: stopping");
            err.flush();
            try {
                mesh.close();
            } finally {
                stopped.countDown();
            }
            err.println("mesh dev: stopped" + (dataDirectory == null ? "" : "; data kept in " + dataDirectory));
            err.flush();
        }, "mesh-dev-shutdown"));

        PrintWriter out = spec.commandLine().getOut();
        out.println(READY_PREFIX + "kafka=" + mesh.bootstrapServers() + " registry=" + mesh.schemaRegistryUrl());
        out.flush();
        stopped.await();
        return 0;
    }

    private void checkPortFree(String option, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + host + " is in use (" + e.getMessage()
                    + "). Stop whatever holds it, or pass " + option + " with another port, or 0 for any free port.");
        }
    }
}
