package io.meshstreams.cli;

import io.meshstreams.bench.BenchEnvironment;
import io.meshstreams.bench.JoinComparison;
import io.meshstreams.bench.PublishComparison;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/** {@code mesh bench}: end-to-end comparisons of mesh-streams with plain Kafka, in one run on the same broker. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Compares mesh-streams with plain Kafka end to end, on the same broker in the same run.",
        subcommands = {BenchCommand.Publish.class, BenchCommand.Join.class})
final class BenchCommand {

    /** Options shared by the benchmarks. */
    static class Target {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "Run against this Kafka (with --schema-registry-url); default: an in-process mesh.")
        String bootstrapServers;

        @Option(names = "--schema-registry-url", paramLabel = "URL", description = "The registry to use with --bootstrap-servers.")
        String schemaRegistryUrl;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
                description = "Rounds per side (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
                description = "Brokers of the in-process cluster (default: ${DEFAULT-VALUE}; replication min(3, N)).")
        int brokers;

        @Option(names = {"-v", "--verbose"}, description = "Log Kafka's and the registry's INFO messages to stderr.")
        boolean verbose;

        BenchEnvironment environment() {
            if ((bootstrapServers == null) != (schemaRegistryUrl == null)) {
                throw new IllegalArgumentException("give both --bootstrap-servers and --schema-registry-url, or neither"
                        + " (then the benchmark starts its own in-process mesh)");
            }
            return BenchEnvironment.of(bootstrapServers, schemaRegistryUrl, brokers);
        }

        /** Runs a benchmark in its environment, printing to standard output as it goes. */
        void run(BiConsumer<PrintStream, BenchEnvironment> benchmark) {
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
            try (BenchEnvironment environment = environment()) {
                benchmark.accept(out, environment);
            }
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Publishing throughput: a PortPublisher (5 CEL rules, QUARANTINE mode, all records valid)",
                "against a plain KafkaProducer with the Avro serializer, same producer settings, alternating rounds.",
                "Each round also shows its CPU time per record (sending thread, whole process).",
                "Last line: publish ratio: R (mesh X rec/s, plain Y rec/s)"})
    static final class Publish implements Runnable {
        @picocli.CommandLine.Mixin
        Target target;

        @Option(names = "--records", paramLabel = "N", defaultValue = "200000",
                description = "Records per round (default: ${DEFAULT-VALUE}).")
        int records;

        @Option(names = "--contract-header",
                description = "The mesh side writes the contract header on every record (PublisherOptions"
                        + ".withContractHeader(); off by default, as for publishers).")
        boolean contractHeader;

        @Override
        public void run() {
            target.run((out, environment) -> new PublishComparison(records, target.rounds, contractHeader, out)
                    .run(environment));
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"Join throughput: the governed join (grant check, PII masking, output contract) against the",
                "same join in plain Kafka Streams, same data and broker, exactly_once_v2, alternating rounds.",
                "Last line: join ratio: R (mesh X rec/s, plain Y rec/s)"})
    static final class Join implements Runnable {
        @picocli.CommandLine.Mixin
        Target target;

        @Option(names = "--records", paramLabel = "N", defaultValue = "100000",
                description = "Orders per round (default: ${DEFAULT-VALUE}).")
        int records;

        @Override
        public void run() {
            target.run((out, environment) -> new JoinComparison(records, target.rounds, out).run(environment));
        }
    }
}
