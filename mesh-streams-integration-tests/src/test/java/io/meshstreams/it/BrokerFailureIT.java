package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.publish.PublisherStats;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishes stay exact when one broker of three fails in the middle of 20,000 publishes: a port with replication
 * factor 3 and {@code min.insync.replicas=2}, a publisher with its defaults ({@code acks=all}, idempotence), and the
 * leader of partition 0 stopped (or killed) when 5,000 records are acknowledged, started again at 12,000, and made
 * leader again once it has caught up. Every future completes with the place the record is found at, the topic read
 * {@code read_committed} holds each of the 20,000 ids exactly once in per-key order, and the stats add up.
 */
class BrokerFailureIT {
    private static final Logger log = LoggerFactory.getLogger(BrokerFailureIT.class);
    static final int RECORDS = 20_000;
    /** At most this many records are unacknowledged at a time, so that the failure happens mid-stream. */
    static final int IN_FLIGHT = 1_000;
    static final int TRANSACTION_SIZE = 500;
    static final int CUSTOMERS = 100;

    /** A controlled shutdown (what a rolling restart does): leadership moves away before the broker stops. */
    @MeshTest(brokers = 3)
    @Nested
    class BrokerStoppedAndStartedAgain {
        @Test
        void everyRecordIsOnThePortOnceInKeyOrderWhereItsFutureSaysItIs(TestMesh mesh) throws Exception {
            publishThroughAFailure(mesh, EmbeddedKafkaCluster::stopBroker, false);
        }

        @Test
        void inTransactionsEveryRecordIsOnThePortOnceInKeyOrderWhereItsFutureSaysItIs(TestMesh mesh) throws Exception {
            publishThroughAFailure(mesh, EmbeddedKafkaCluster::stopBroker, true);
        }
    }

    /**
     * A crash: the broker's JVM gets SIGKILL, so there is no controlled shutdown, the controller fences it only when
     * its session times out, and it recovers its logs when it starts again.
     */
    @MeshTest(brokers = 3, brokersInChildProcesses = true)
    @Nested
    class BrokerKilledAndStartedAgain {
        @Test
        void everyRecordIsOnThePortOnceInKeyOrderWhereItsFutureSaysItIs(TestMesh mesh) throws Exception {
            publishThroughAFailure(mesh, EmbeddedKafkaCluster::killBroker, false);
        }

        @Test
        void inTransactionsEveryRecordIsOnThePortOnceInKeyOrderWhereItsFutureSaysItIs(TestMesh mesh) throws Exception {
            publishThroughAFailure(mesh, EmbeddedKafkaCluster::killBroker, true);
        }
    }

    /** How a broker fails: {@link EmbeddedKafkaCluster#stopBroker} or {@link EmbeddedKafkaCluster#killBroker}. */
    interface BrokerFailure {
        void fail(EmbeddedKafkaCluster kafka, int brokerId);
    }

    static void publishThroughAFailure(TestMesh mesh, BrokerFailure failure, boolean transactional) throws Exception {
        EmbeddedKafkaCluster kafka = mesh.embeddedKafka().orElseThrow();
        try (MeshClient orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"))) {
            DataProduct product = replicatedProduct(mesh.uniqueTopic(transactional ? "failover-tx" : "failover"));
            orders.provision(product);
            PortAddress address = product.address(product.outputPort("placed"));
            String topic = address.topic();
            awaitFullIsr(mesh.admin(), topic);
            assertReplicatedAsProvisioned(mesh.admin(), topic);
            // the preferred leader of partition 0, so that a preferred leader election gives it back its leadership
            int victim = preferredLeader(mesh.admin(), topic, 0);
            electPreferredLeaders(mesh.admin(), topic);
            await().atMost(Duration.ofSeconds(30)).until(() -> leader(mesh.admin(), topic, 0) == victim);

            PublisherOptions options = PublisherOptions.named("failover");
            if (transactional) {
                options = options.withTransactionalId("failover-" + topic);
            }
            Map<String, PublishResult> results = new HashMap<>();
            List<String> failed = new ArrayList<>();
            PublisherStats stats;
            ExecutorService operator = Executors.newSingleThreadExecutor();
            try (PortPublisher<String, GenericRecord> publisher = orders.publisher(
                    product.address(product.outputPort("placed")), GenericRecord.class, options)) {
                AtomicInteger acknowledged = new AtomicInteger();
                Schedule schedule = new Schedule(operator, acknowledged, List.of(
                        new Step("fail broker " + victim, 5_000, 10_000, () -> failure.fail(kafka, victim)),
                        new Step("start broker " + victim, 12_000, 16_000, () -> kafka.startBroker(victim)),
                        new Step("make broker " + victim + " the leader of partition 0 again", 15_000, 19_000, () -> {
                            awaitFullIsr(mesh.admin(), topic);
                            electPreferredLeaders(mesh.admin(), topic);
                            await().atMost(Duration.ofSeconds(30))
                                    .until(() -> leader(mesh.admin(), topic, 0) == victim);
                        })));

                List<CompletableFuture<PublishResult>> futures = transactional
                        ? publishInTransactions(publisher, schedule, acknowledged)
                        : publishAsync(publisher, schedule, acknowledged);

                // every future, successful or not
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .handle((done, exception) -> done).get(120, TimeUnit.SECONDS);
                schedule.awaitAllDone();
                for (int i = 0; i < RECORDS; i++) {
                    CompletableFuture<PublishResult> future = futures.get(i);
                    if (future.isCompletedExceptionally()) {
                        failed.add("o-" + i + ": " + future.handle((result, exception) -> exception).join());
                    } else {
                        results.put("o-" + i, future.join());
                    }
                }
                stats = publisher.stats();
            } finally {
                operator.shutdownNow();
            }

            assertThat(failed).as("%d futures completed exceptionally", failed.size()).isEmpty();
            assertThat(results.values()).allSatisfy(result -> assertThat(result.isPublished()).isTrue());
            assertThat(stats).isEqualTo(new PublisherStats(RECORDS, 0, 0, 0));
            assertThat(kafka.isRunning(victim)).isTrue();

            assertExactlyOnceInKeyOrder(readWhatIsOnThePort(mesh, topic, orders), results);
            assertThat(Topics.readAllRaw(mesh, address.quarantineTopic(), 0)).isEmpty();
        }
    }

    /** Records {@code 0..RECORDS-1}, at most {@link #IN_FLIGHT} unacknowledged at a time. */
    static List<CompletableFuture<PublishResult>> publishAsync(PortPublisher<String, GenericRecord> publisher,
                                                              Schedule schedule, AtomicInteger acknowledged)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            schedule.beforePublishing(i);
            assertThat(inFlight.tryAcquire(120, TimeUnit.SECONDS))
                    .as("record %d: %d records unacknowledged for 120 s", i, IN_FLIGHT).isTrue();
            CompletableFuture<PublishResult> future = publisher.publishAsync(order(i));
            future.whenComplete((result, exception) -> {
                acknowledged.incrementAndGet();
                inFlight.release();
            });
            futures.add(future);
        }
        return futures;
    }

    /** Records {@code 0..RECORDS-1} in transactions of {@link #TRANSACTION_SIZE}, published asynchronously in each. */
    static List<CompletableFuture<PublishResult>> publishInTransactions(PortPublisher<String, GenericRecord> publisher,
                                                                       Schedule schedule, AtomicInteger acknowledged) {
        List<CompletableFuture<PublishResult>> futures = new ArrayList<>(RECORDS);
        for (int first = 0; first < RECORDS; first += TRANSACTION_SIZE) {
            schedule.beforePublishing(first);
            int from = first;
            publisher.transaction(p -> {
                for (int i = from; i < from + TRANSACTION_SIZE; i++) {
                    futures.add(p.publishAsync(order(i)));
                }
            });
            acknowledged.addAndGet(TRANSACTION_SIZE); // the futures completed as the transaction committed
        }
        return futures;
    }

    /** Order {@code i}: id {@code o-<i>}, keyed by its customer, so that each of 100 keys has 200 records in order. */
    static GenericRecord order(int i) {
        GenericRecord order = Orders.order(i);
        order.put("customerId", "c-" + (i % CUSTOMERS));
        return order;
    }

    static DataProduct replicatedProduct(String name) {
        return DataProduct.builder("orders", name)
                .owner("team-orders@example.com")
                .description("Orders, on three replicas of which two must have each record.")
                .outputPort(OutputPort.builder("placed", 1)
                        .valueSchema(Orders.PLACED)
                        .keyField("customerId")
                        .partitions(3)
                        .replicationFactor((short) 3)
                        .topicConfig("min.insync.replicas", "2")
                        .onViolation(OnViolation.QUARANTINE)
                        .rule("positive-amount", "message.amount > 0.0")
                        .build())
                .build();
    }

    /**
     * Every committed record of the port: waits for {@link #RECORDS} of them, and if fewer come, reads what is there,
     * so that the assertions can say which ids are missing.
     */
    static List<ConsumerRecord<String, GenericRecord>> readWhatIsOnThePort(TestMesh mesh, String topic,
                                                                          MeshClient client) {
        AvroDeserializer<GenericRecord> values = new AvroDeserializer<>(client.registry());
        try {
            return Topics.readUntil(mesh, topic, new StringDeserializer(), values,
                    records -> records.size() >= RECORDS, true, Duration.ofSeconds(30));
        } catch (ConditionTimeoutException fewer) {
            return Topics.readUntil(mesh, topic, new StringDeserializer(), values, records -> true, true,
                    Duration.ofSeconds(30));
        }
    }

    static void assertExactlyOnceInKeyOrder(List<ConsumerRecord<String, GenericRecord>> read,
                                            Map<String, PublishResult> results) {
        Map<String, Integer> copies = new HashMap<>();
        Map<String, List<Integer>> sequenceByKey = new LinkedHashMap<>();
        List<String> elsewhereThanTold = new ArrayList<>();
        for (ConsumerRecord<String, GenericRecord> record : read) {
            String id = record.value().get("orderId").toString();
            copies.merge(id, 1, Integer::sum);
            sequenceByKey.computeIfAbsent(record.key(), key -> new ArrayList<>())
                    .add(Integer.parseInt(id.substring("o-".length())));
            PublishResult told = results.get(id);
            if (told == null || told.partition() != record.partition() || told.offset() != record.offset()) {
                elsewhereThanTold.add(id + " at " + record.partition() + "/" + record.offset() + ", told "
                        + (told == null ? "nothing" : told.partition() + "/" + told.offset()));
            }
        }
        Set<String> missing = new TreeSet<>(results.keySet());
        missing.removeAll(copies.keySet());
        Map<String, Integer> duplicated = copies.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        List<String> outOfOrder = sequenceByKey.entrySet().stream()
                .filter(e -> !isAscending(e.getValue()))
                .map(Map.Entry::getKey).toList();

        assertThat(missing).as("%d ids published but not on the port", missing.size()).isEmpty();
        assertThat(duplicated).as("%d ids on the port more than once", duplicated.size()).isEmpty();
        assertThat(read).hasSize(RECORDS);
        assertThat(outOfOrder).as("keys whose records are not in the order they were published").isEmpty();
        assertThat(sequenceByKey).hasSize(CUSTOMERS);
        assertThat(elsewhereThanTold).as("records not where their future said").isEmpty();
    }

    static boolean isAscending(List<Integer> sequence) {
        return IntStream.range(1, sequence.size()).allMatch(i -> sequence.get(i - 1) < sequence.get(i));
    }

    static void assertReplicatedAsProvisioned(Admin admin, String topic) throws Exception {
        TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
        assertThat(description.partitions()).hasSize(3)
                .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        assertThat(admin.describeConfigs(Set.of(resource)).all().get().get(resource).get("min.insync.replicas").value())
                .isEqualTo("2");
    }

    static int leader(Admin admin, String topic, int partition) throws Exception {
        TopicPartitionInfo info = partitionInfo(admin, topic, partition);
        return info.leader() == null ? -1 : info.leader().id();
    }

    static int preferredLeader(Admin admin, String topic, int partition) throws Exception {
        return partitionInfo(admin, topic, partition).replicas().get(0).id();
    }

    static TopicPartitionInfo partitionInfo(Admin admin, String topic, int partition) throws Exception {
        return admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().get(partition);
    }

    static void awaitFullIsr(Admin admin, String topic) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions())
                .allSatisfy(p -> assertThat(p.isr()).hasSize(3)));
    }

    static void electPreferredLeaders(Admin admin, String topic) throws Exception {
        Set<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toSet());
        Map<TopicPartition, Optional<Throwable>> outcome = admin.electLeaders(ElectionType.PREFERRED, partitions)
                .partitions().get();
        outcome.forEach((partition, error) -> error.ifPresent(e -> {
            if (!(e instanceof ElectionNotNeededException)) {
                throw new AssertionError("Preferred leader election for " + partition + " failed: " + e, e);
            }
        }));
    }

    /** A broker operation that runs on another thread when enough records are acknowledged. */
    record Step(String name, int whenAcknowledged, int doneBeforePublishing, Operation action) {
    }

    interface Operation {
        void run() throws Exception;
    }

    /**
     * Runs the steps, one at a time on the operator thread, while the publishing thread goes on: each starts once
     * {@code whenAcknowledged} records are acknowledged, and publishing waits before record
     * {@code doneBeforePublishing} until it is done, so that each step happens mid-stream and the next one finds it
     * done.
     */
    static final class Schedule {
        private final ExecutorService operator;
        private final AtomicInteger acknowledged;
        private final List<Step> steps;
        private final Map<Step, CompletableFuture<Void>> started = new HashMap<>();

        Schedule(ExecutorService operator, AtomicInteger acknowledged, List<Step> steps) {
            this.operator = operator;
            this.acknowledged = acknowledged;
            this.steps = steps;
        }

        void beforePublishing(int record) {
            for (Step step : steps) {
                if (!started.containsKey(step) && acknowledged.get() >= step.whenAcknowledged()) {
                    started.put(step, CompletableFuture.runAsync(() -> {
                        try {
                            int before = acknowledged.get();
                            long start = System.nanoTime();
                            step.action().run();
                            log.info("{}: started at {} acknowledged, done at {} acknowledged in {} ms", step.name(),
                                    before, acknowledged.get(),
                                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                        } catch (Exception e) {
                            throw new IllegalStateException("Step '" + step.name() + "' failed: " + e, e);
                        }
                    }, operator));
                }
                if (record >= step.doneBeforePublishing()) {
                    CompletableFuture<Void> running = started.get(step);
                    assertThat(running).as("step '%s' never started: only %d records acknowledged before record %d",
                            step.name(), acknowledged.get(), record).isNotNull();
                    running.orTimeout(60, TimeUnit.SECONDS).join();
                }
            }
        }

        void awaitAllDone() {
            assertThat(started.keySet()).as("steps started").containsExactlyInAnyOrderElementsOf(steps);
            started.values().forEach(CompletableFuture::join);
        }
    }
}
