package io.meshstreams.bench;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.serde.AvroSerializer;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Publishing throughput, end to end, mesh-streams against plain Kafka in the same run: a {@code KafkaProducer} with
 * the Avro serializer, and a {@link PortPublisher} enforcing the port's contract (5 CEL rules, QUARANTINE mode, all
 * records valid), with the same producer settings, the same records and topics of the same shape on the same broker.
 * Rounds alternate (plain, mesh, mesh, plain, ...) so that machine noise hits both sides; each side's figure is the
 * median of its rounds. The last line printed is {@code publish ratio: R (mesh X rec/s, plain Y rec/s)}.
 */
public final class PublishComparison {
    /** Producer settings both sides share: Kafka's defaults made explicit. */
    static final Map<String, Object> PRODUCER_SETTINGS = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 65_536,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");

    /** Rounds per side before measuring: measured here, the mesh side needs about six to reach its steady rate. */
    static final int WARM_UP_ROUNDS = 6;

    private final int records;
    private final int rounds;
    private final int warmUps;
    private final boolean contractHeader;
    private final PrintStream out;

    public PublishComparison(int records, int rounds, PrintStream out) {
        this(records, rounds, WARM_UP_ROUNDS, false, out);
    }

    /** @param contractHeader whether the mesh side writes the contract header on every record (off by default) */
    public PublishComparison(int records, int rounds, boolean contractHeader, PrintStream out) {
        this(records, rounds, WARM_UP_ROUNDS, contractHeader, out);
    }

    PublishComparison(int records, int rounds, int warmUps, PrintStream out) {
        this(records, rounds, warmUps, false, out);
    }

    PublishComparison(int records, int rounds, int warmUps, boolean contractHeader, PrintStream out) {
        AlternatingRounds.requireValid(records, rounds, warmUps);
        this.records = records;
        this.rounds = rounds;
        this.warmUps = warmUps;
        this.contractHeader = contractHeader;
        this.out = out;
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (BenchEnvironment environment = BenchEnvironment.of(null, null)) {
            new PublishComparison(records, 3, System.out).run(environment);
        }
    }

    /** Runs the comparison and prints its lines; returns mesh throughput / plain throughput. */
    public AlternatingRounds.Ratio run(BenchEnvironment environment) {
        int partitions = 6;
        String name = "publish-" + UUID.randomUUID().toString().substring(0, 8);
        DataProduct product = BenchOrders.product(name, partitions);
        try (MeshClient mesh = MeshClient.create(environment.clientConfig("bench"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", environment.clientConfig("bench").get("bootstrap.servers")))) {
            mesh.provision(product);
            PortAddress port = product.address(product.outputPort("placed"));
            String plainTopic = port.topic() + ".plain";
            admin.createTopics(List.of(new NewTopic(plainTopic, Optional.of(partitions), Optional.empty()))).all()
                    .get(30, TimeUnit.SECONDS);

            Map<String, Object> plainConfig = new HashMap<>(environment.clientConfig("bench"));
            plainConfig.remove("mesh.domain");
            plainConfig.remove("schema.registry.url");
            plainConfig.putAll(PRODUCER_SETTINGS);
            plainConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-plain");
            AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(mesh.registry());
            PublisherOptions options = contractHeader ? PublisherOptions.named("bench-mesh").withContractHeader()
                    : PublisherOptions.named("bench-mesh");
            for (Map.Entry<String, Object> setting : PRODUCER_SETTINGS.entrySet()) {
                options = options.withProducerConfig(setting.getKey(), setting.getValue());
            }
            out.printf("publish benchmark: %,d records per round, %d rounds per side, %d partitions, %s%s%n", records,
                    rounds, partitions, environment.describe(), contractHeader ? ", mesh side with the contract header"
                            : "");
            GenericRecord[] orders = BenchOrders.orders(records, 7);
            try (KafkaProducer<String, GenericRecord> plain = new KafkaProducer<>(plainConfig, new StringSerializer(),
                    serializer);
                 PortPublisher<String, GenericRecord> publisher = mesh.publisher(port, GenericRecord.class, options)) {
                IntFunction<AlternatingRounds.Round> plainRound = n -> timedRound(n, (i, done) -> {
                    GenericRecord order = orders[i];
                    plain.send(new ProducerRecord<>(plainTopic, order.get("orderId").toString(), order),
                            (metadata, e) -> done.accept(e));
                });
                IntFunction<AlternatingRounds.Round> meshRound = n -> timedRound(n, (i, done) -> publisher.publish(
                        PortRecord.of(orders[i]), (result, e) -> done.accept(e != null ? e : result.isPublished() ? null
                                : new IllegalStateException("benchmark record quarantined: " + result.violations()))));
                // warm-up rounds, so that the JIT has compiled both paths (the mesh side has more code) before anything counts
                AlternatingRounds.Ratio ratio = AlternatingRounds.runMeasured("publish", rounds, warmUps,
                        round -> plainRound.apply(records), round -> meshRound.apply(records), out);
                if (publisher.stats().quarantined() + publisher.stats().failed() > 0) {
                    throw new IllegalStateException("benchmark records did not all reach the port: " + publisher.stats());
                }
                return ratio;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not set up the benchmark: " + e.getMessage(), e);
        }
    }

    /** Sends record {@code i} and calls {@code done} with null, or the failure, when Kafka answered. */
    @FunctionalInterface
    private interface Sender {
        void send(int i, Consumer<@Nullable Throwable> done);
    }

    /**
     * Sends records 0..n-1 as fast as the producer takes them; the rate is n / (time of the last acknowledgement).
     * Also measures the CPU time the round cost per record: on this (the sending) thread, and in the whole process.
     */
    private static AlternatingRounds.Round timedRound(int n, Sender sender) {
        CountDownLatch acked = new CountDownLatch(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long processCpuStart = PROCESS.getProcessCpuTime();
        long callerCpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sender.send(i, e -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                acked.countDown();
            });
        }
        try {
            if (!acked.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("records not acknowledged within 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long elapsed = System.nanoTime() - start;
        long callerCpu = THREADS.getCurrentThreadCpuTime() - callerCpuStart;
        long processCpu = PROCESS.getProcessCpuTime() - processCpuStart;
        if (failure.get() != null) {
            throw new IllegalStateException("a benchmark record failed: " + failure.get(), failure.get());
        }
        return new AlternatingRounds.Round(n / (elapsed / 1e9), (double) callerCpu / n, (double) processCpu / n);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
}
