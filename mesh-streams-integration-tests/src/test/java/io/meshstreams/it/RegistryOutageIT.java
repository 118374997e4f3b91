package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.local.registry.SchemaRegistryServer;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.subscribe.PortMessage;
import io.meshstreams.subscribe.PortSubscriber;
import io.meshstreams.subscribe.SubscriberOptions;
import io.meshstreams.subscribe.SubscriberStats;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reader's schema registry goes down just when records with a schema id it has not seen arrive: nothing is skipped,
 * nothing dead-lettered, everything is delivered once the registry is back, exactly once and in order per partition.
 *
 * <p>The reader (domain analytics) has its own registry instance over the mesh's store topic, so that it can be
 * stopped and started again on its port while the mesh's registry, which the publisher uses, stays up.
 */
@MeshTest
class RegistryOutageIT {
    static final int BATCH = 30;
    static MeshClient orders;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void clients(TestMesh mesh) {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
    }

    @AfterAll
    static void close() {
        orders.close();
    }

    /** The reader's own registry: a second server on the mesh's store topic, stopped and started on one port. */
    static final class ReaderRegistry implements AutoCloseable {
        private final TestMesh mesh;
        private SchemaRegistryServer server;
        private final int port;

        ReaderRegistry(TestMesh mesh) {
            this.mesh = mesh;
            this.server = builder().start();
            this.port = server.port();
        }

        private SchemaRegistryServer.Builder builder() {
            return SchemaRegistryServer.builder().bootstrapServers(mesh.bootstrapServers())
                    .topic(mesh.embeddedRegistry().map(SchemaRegistryServer::topic).orElse(SchemaRegistryServer.DEFAULT_TOPIC));
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        void stop() {
            server.close();
        }

        void startAgain() {
            server = builder().port(port).start();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** analytics, reading through the reader's registry, with short registry retries so that the test is quick. */
    static MeshClient analytics(TestMesh mesh, ReaderRegistry registry, SimpleMeterRegistry meters) {
        Map<String, Object> config = PortPublisherIT.with(mesh, "analytics");
        config.put("schema.registry.url", registry.url());
        config.put("max.retries", 1);
        config.put("retries.wait.ms", 100);
        config.put("retries.max.wait.ms", 400);
        return MeshClient.create(config, meters);
    }

    /** The orders port's schema with one more optional field: a compatible change, a new id in the same subject. */
    static Schema placedV2() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = (ObjectNode) json.readTree(Orders.PLACED.toString());
        ObjectNode coupon = ((ArrayNode) schema.get("fields")).addObject();
        coupon.put("name", "coupon");
        coupon.putArray("type").add("null").add("string");
        coupon.putNull("default");
        return new Schema.Parser().parse(json.writeValueAsString(schema));
    }

    static void publish(DataProduct product, Schema schema, int from, int to) {
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            for (int i = from; i < to; i++) {
                GenericRecord v1 = Orders.order(i);
                GenericRecord order = new GenericData.Record(schema);
                for (Schema.Field field : Orders.PLACED.getFields()) {
                    order.put(field.name(), v1.get(field.name()));
                }
                if (schema.getField("coupon") != null) {
                    order.put("coupon", "SPRING-" + i);
                }
                assertThat(publisher.publish(order).isPublished()).isTrue();
            }
        }
    }

    static DataProduct product(String name, Schema schema) {
        DataProduct v1 = Orders.product(name, OnViolation.QUARANTINE);
        return DataProduct.builder("orders", name).owner(v1.owner()).description(v1.description())
                .outputPort(Orders.port(1, schema, OnViolation.QUARANTINE)).build();
    }

    static int number(String orderId) {
        return Integer.parseInt(orderId.substring("o-".length()));
    }

    /** Per partition, the order numbers in the order they came: published in ascending order, they must ascend. */
    static void assertInPublishOrderPerPartition(Map<Integer, List<Integer>> byPartition) {
        byPartition.forEach((partition, numbers) ->
                assertThat(numbers).as("partition %d", partition).isSorted().doesNotHaveDuplicates());
    }

    static int poll(PortSubscriber<String, GenericRecord> subscriber, List<PortMessage<String, GenericRecord>> into) {
        return subscriber.poll(Duration.ofMillis(100), into::add);
    }

    static double meter(SimpleMeterRegistry meters, String name, String subscriber) {
        return Optional.ofNullable(meters.find(name).tag("subscriber", subscriber).meter())
                .map(meter -> meter.measure().iterator().next().getValue()).orElse(-1.0);
    }

    @Test
    void subscribersDeliverEveryRecordOnceInOrderAfterTheRegistryComesBackAndAFreshMemberMissesNothing(TestMesh mesh)
            throws Exception {
        String suffix = mesh.uniqueTopic("outage-sub");
        DataProduct productV1 = product("outage-sub-" + suffix, Orders.PLACED);
        orders.provision(productV1);
        PortAddress port = productV1.address(productV1.outputPort("placed"));
        String deadLetters = port.topic() + ".dlq-outage";
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<PortMessage<String, GenericRecord>> byResuming = new ArrayList<>();
        List<PortMessage<String, GenericRecord>> byReplaced = new ArrayList<>();
        List<PortMessage<String, GenericRecord>> byFresh = new ArrayList<>();
        try (ReaderRegistry registry = new ReaderRegistry(mesh);
             MeshClient analytics = analytics(mesh, registry, meters)) {
            String resuming = "resuming-" + suffix;
            String replaced = "replaced-" + suffix;
            try (PortSubscriber<String, GenericRecord> a = analytics.subscriber(port, options(resuming, deadLetters))) {
                PortSubscriber<String, GenericRecord> b = analytics.subscriber(port, options(replaced, deadLetters));
                try {
                    // given: both have read v1 (its id is cached) ...
                    publish(productV1, Orders.PLACED, 0, BATCH);
                    await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                        poll(a, byResuming);
                        poll(b, byReplaced);
                        return byResuming.size() >= BATCH && byReplaced.size() >= BATCH;
                    });
                    // ... then v2 records arrive, and the readers' registry stops before they read them
                    Schema v2 = placedV2();
                    DataProduct productV2 = product(productV1.name(), v2);
                    orders.provision(productV2);
                    publish(productV2, v2, BATCH, 2 * BATCH);
                    registry.stop();
                    publish(productV2, v2, 2 * BATCH, 3 * BATCH);

                    // when: they poll while it is down, every partition stops at its first v2 record
                    await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                        poll(a, byResuming);
                        poll(b, byReplaced);
                        return meter(meters, "mesh.subscribe.paused.partitions", "analytics." + resuming) == 3
                                && meter(meters, "mesh.subscribe.paused.partitions", "analytics." + replaced) == 3;
                    });
                    assertThat(byResuming).hasSize(BATCH);
                    assertThat(byReplaced).hasSize(BATCH);
                    assertThat(a.stats()).isEqualTo(new SubscriberStats(BATCH, 0, 0));
                    assertThat(b.stats()).isEqualTo(new SubscriberStats(BATCH, 0, 0));
                    assertThat(meter(meters, "mesh.subscribe.registry.unavailable", "analytics." + resuming))
                            .isGreaterThanOrEqualTo(3);
                } finally {
                    b.close(); // one member of its group leaves during the outage
                }

                // then: once the registry is back, the one that kept polling delivers the rest, each record once
                registry.startAgain();
                await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                    poll(a, byResuming);
                    return byResuming.size() >= 3 * BATCH;
                });
                assertThat(a.stats()).isEqualTo(new SubscriberStats(3 * BATCH, 0, 0));
                assertThat(meter(meters, "mesh.subscribe.paused.partitions", "analytics." + resuming)).isZero();
            }
            // and a fresh member of the other group starts exactly where its predecessor stopped
            try (PortSubscriber<String, GenericRecord> fresh = analytics.subscriber(port, options(replaced, deadLetters))) {
                await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                    poll(fresh, byFresh);
                    return byFresh.size() >= 2 * BATCH;
                });
                assertThat(poll(fresh, byFresh)).isZero();
                assertThat(fresh.stats()).isEqualTo(new SubscriberStats(2 * BATCH, 0, 0));
            }
        }
        List<Integer> all = IntStream.range(0, 3 * BATCH).boxed().toList();
        assertThat(byResuming).extracting(m -> number(m.value().get("orderId").toString()))
                .containsExactlyInAnyOrderElementsOf(all);
        List<PortMessage<String, GenericRecord>> group = new ArrayList<>(byReplaced);
        group.addAll(byFresh);
        assertThat(group).extracting(m -> number(m.value().get("orderId").toString()))
                .containsExactlyInAnyOrderElementsOf(all);
        assertInPublishOrderPerPartition(perPartition(byResuming));
        assertInPublishOrderPerPartition(perPartition(group));
        assertThat(Topics.readUntil(mesh, deadLetters, new StringDeserializer(), new StringDeserializer(),
                records -> true, true, Duration.ofSeconds(30))).isEmpty();
    }

    private static SubscriberOptions options(String name, String deadLetters) {
        return SubscriberOptions.named(name).withDeadLetterTopic(deadLetters)
                .withRegistryRetryBackoff(Duration.ofMillis(100), Duration.ofMillis(800));
    }

    private static Map<Integer, List<Integer>> perPartition(Collection<PortMessage<String, GenericRecord>> messages) {
        return messages.stream().collect(Collectors.groupingBy(PortMessage::partition, TreeMap::new,
                Collectors.mapping(m -> number(m.value().get("orderId").toString()), Collectors.toList())));
    }

    @Test
    void aGovernedTopologyWaitsForTheRegistryAndWritesEveryRecordOnceInOrder(TestMesh mesh) throws Exception {
        String suffix = mesh.uniqueTopic("outage-streams");
        DataProduct productV1 = product("outage-streams-" + suffix, Orders.PLACED);
        orders.provision(productV1);
        PortAddress port = productV1.address(productV1.outputPort("placed"));
        String out = "analytics.outage-" + suffix + ".ids";
        mesh.admin().createTopics(List.of(new NewTopic(out, 3, (short) 1))).all().get();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ReaderRegistry registry = new ReaderRegistry(mesh);
             MeshClient analytics = analytics(mesh, registry, meters)) {
            GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "outage-" + suffix);
            builder.stream(port.topic())
                    .mapValues(order -> order.get("orderId").toString(), Named.as("order-id"))
                    .to(out, Produced.with(Serdes.String(), Serdes.String()).withName("ids"));
            GovernedTopology topology = builder.build();
            String application = topology.applicationId();
            publish(productV1, Orders.PLACED, 0, BATCH);
            try (KafkaStreams streams = topology.start(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                    StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
                    // the replaced thread's member leaves the group when its session ends: keep that short
                    StreamsConfig.mainConsumerPrefix("session.timeout.ms"), 10_000,
                    GovernedTopology.REGISTRY_OUTAGE_TIMEOUT_CONFIG, 120_000))) {
                // given: the topology has read v1
                readIds(mesh, out, BATCH);
                // ... then v2 is registered, the topology's registry stops (it polls all the time: before the v2
                // records arrive, so that it meets them with the registry down), and v2 records arrive
                Schema v2 = placedV2();
                DataProduct productV2 = product(productV1.name(), v2);
                orders.provision(productV2);
                registry.stop();
                publish(productV2, v2, BATCH, 3 * BATCH);

                // when: the stream thread meets a v2 record, it stops there and waits for the registry
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        meters.find("mesh.streams.registry.waiting.threads").tag("application", application)
                                .gauge().value() == 1);
                assertThat(meters.get("mesh.streams.registry.unavailable").tag("application", application).counter()
                        .count()).isGreaterThanOrEqualTo(1);
                assertThat(readIds(mesh, out, BATCH)).hasSize(BATCH); // nothing past it is committed

                // then: once it is back, a new thread goes on from that record
                registry.startAgain();
                List<ConsumerRecord<String, String>> ids = readIds(mesh, out, 3 * BATCH);
                assertThat(ids).extracting(record -> number(record.value()))
                        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 3 * BATCH).boxed().toList());
                assertInPublishOrderPerPartition(ids.stream().collect(Collectors.groupingBy(ConsumerRecord::partition,
                        TreeMap::new, Collectors.mapping(record -> number(record.value()), Collectors.toList()))));
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(meters.find("mesh.streams.registry.waiting.threads").tag("application", application)
                        .gauge().value()).isZero();
            }
        }
        // nothing of this port went to the domain's dead letters
        List<ConsumerRecord<String, String>> dead = Topics.readUntil(mesh, "analytics.dead-letter",
                new StringDeserializer(), new StringDeserializer(), records -> true, true, Duration.ofSeconds(30));
        assertThat(dead).noneMatch(record -> port.topic().equals(Topics.header(record, "__streams.errors.topic")));
    }

    /** The committed records of {@code out}, once there are at least {@code expected}, read to the end. */
    private static List<ConsumerRecord<String, String>> readIds(TestMesh mesh, String out, int expected) {
        return Topics.readUntil(mesh, out, new StringDeserializer(), new StringDeserializer(),
                records -> records.size() >= expected, true, Duration.ofSeconds(120));
    }
}
