package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A global table holds every record published on its port before the application starts, on its first start and
 * after a restart, as a plain Kafka Streams global table does: the start brings the masked copy up to date first,
 * and commits the application's offsets with it, so the topology copies nothing twice. (With the catch-up turned off,
 * the first start here misses orders: their profiles come last in the port, after 20,000 others.)
 */
@MeshTest
class GlobalTableStartIT {
    /** Many profiles before the ones the orders look up, so that a copy filling while orders are joined lags them. */
    static final int FILLER = 20_000;
    static final int ORDERS = 300;

    static MeshClient orders;
    static MeshClient customers;
    static MeshClient analytics;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void clients(TestMesh mesh) {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
        customers = MeshClient.create(PortPublisherIT.with(mesh, "customers"));
        analytics = MeshClient.create(PortPublisherIT.with(mesh, "analytics"));
    }

    @AfterAll
    static void close() {
        analytics.close();
        customers.close();
        orders.close();
    }

    @Test
    void everyOrderFindsItsCustomerOnTheFirstStartAndAfterARestart(TestMesh mesh) throws Exception {
        String suffix = mesh.uniqueTopic("g");
        DataProduct customerProduct = Enrichment.customers("global-" + suffix, 3);
        DataProduct orderProduct = Enrichment.orders("global-" + suffix, 3, false);
        customers.provision(customerProduct);
        orders.provision(orderProduct);
        PortAddress profiles = customerProduct.address(customerProduct.outputPort("profiles"));
        PortAddress placed = orderProduct.address(orderProduct.outputPort("placed"));

        // the profiles the orders need (c-0..c-99) come last, after many others
        publishProfiles(customerProduct, IntStream.range(100, 100 + FILLER));
        publishProfiles(customerProduct, IntStream.range(0, 100));
        publishOrders(orderProduct, 0, ORDERS);

        Map<String, String> joined = new ConcurrentHashMap<>();
        GovernedTopology topology = topology(placed, profiles, suffix, joined);
        try (KafkaStreams streams = start(topology)) {
            // start() copied the profiles itself, before Kafka Streams had even joined the group
            assertThat(committed(mesh, topology.applicationId(), profiles.topic()))
                    .isEqualTo(endOffsets(mesh, profiles.topic()));
            await().atMost(Duration.ofSeconds(90)).until(() -> joined.size() >= ORDERS);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        assertThat(joined).hasSize(ORDERS);
        assertThat(joined.values()).allMatch(hash -> hash.matches("[0-9a-f]{64}"));

        // while the application is down: many profiles, then new customers, and orders of theirs
        int next = 100 + FILLER;
        publishProfiles(customerProduct, IntStream.range(next, next + FILLER / 2));
        publishProfiles(customerProduct, IntStream.range(next + FILLER / 2, next + FILLER / 2 + 50));
        publishOrders(orderProduct, ORDERS, 50, i -> "c-" + (next + FILLER / 2 + i % 50));
        try (KafkaStreams streams = start(topology)) {
            assertThat(committed(mesh, topology.applicationId(), profiles.topic()))
                    .isEqualTo(endOffsets(mesh, profiles.topic()));
            await().atMost(Duration.ofSeconds(90)).until(() -> joined.size() >= ORDERS + 50);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            // the copy holds each profile once: the topology resumed where the catch-up committed
            String copy = topology.applicationId() + "-profiles-global-masked";
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(committed(mesh, topology.applicationId(), profiles.topic()))
                            .isEqualTo(endOffsets(mesh, profiles.topic())));
            List<ConsumerRecord<byte[], byte[]>> copied = Topics.readAllRaw(mesh, copy, FILLER + FILLER / 2 + 150);
            assertThat(copied).hasSize(FILLER + FILLER / 2 + 150);
        }
        assertThat(joined).hasSize(ORDERS + 50);
    }

    private static GovernedTopology topology(PortAddress placed, PortAddress profiles, String suffix,
                                             Map<String, String> joined) {
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "global-start-" + suffix);
        KStream<String, GenericRecord> orderStream = builder.stream(placed.topic());
        GlobalKTable<String, GenericRecord> profileTable = builder.globalTable(profiles,
                io.meshstreams.streams.PortConsumed.as("profiles-global"));
        orderStream.join(profileTable, (key, order) -> order.get("customerId").toString(),
                        (order, profile) -> profile.get("email").toString(), Named.as("orders-with-profiles"))
                .foreach((orderId, emailHash) -> joined.put(orderId, emailHash), Named.as("collect"));
        return builder.build();
    }

    /**
     * Starts with a 10 s session timeout: the restart waits for the closed instance's member to expire (Kafka Streams
     * does not leave the group on close), which takes that long.
     */
    private static KafkaStreams start(GovernedTopology topology) {
        return topology.start(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000));
    }

    private static void publishProfiles(DataProduct product, IntStream ids) {
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(product.address(product.outputPort("profiles")))) {
            ids.forEach(i -> publisher.publishAsync(Enrichment.customer(i)));
            publisher.flush();
        }
    }

    private static void publishOrders(DataProduct product, int from, int count) {
        publishOrders(product, from, count, null);
    }

    private static void publishOrders(DataProduct product, int from, int count,
                                      java.util.function.IntFunction<String> customerOf) {
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            for (int i = 0; i < count; i++) {
                GenericRecord order = Orders.order(from + i);
                if (customerOf != null) {
                    order.put("customerId", customerOf.apply(i));
                }
                publisher.publishAsync(order);
            }
            publisher.flush();
        }
    }

    private static Map<TopicPartition, Long> committed(TestMesh mesh, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(mesh.clientConfig())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static Map<TopicPartition, Long> endOffsets(TestMesh mesh, String topic) {
        Map<String, Object> config = mesh.clientConfig();
        config.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Set<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
            return consumer.endOffsets(partitions);
        }
    }
}
