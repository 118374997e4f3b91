package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.streams.PortJoined;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every join kind of the governed builder, in one application: stream-stream (windowed, with partition counts that
 * differ), table-table, foreign-key table-table, and a stream joined with a global table (plain Kafka Streams operator
 * on the governed global table). Results are collected with plain {@code foreach} operators.
 */
@MeshTest
class GovernedJoinKindsIT {
    static final Schema PAYMENT = new Schema.Parser().parse("""
            {"type": "record", "name": "Payment", "namespace": "io.meshstreams.it.orders",
             "fields": [{"name": "orderId", "type": "string"}, {"name": "method", "type": "string"},
                        {"name": "cardHolder", "type": "string", "classification": "PII"}]}
            """);
    static final Schema ADDRESS = new Schema.Parser().parse("""
            {"type": "record", "name": "Address", "namespace": "io.meshstreams.it.customers",
             "fields": [{"name": "customerId", "type": "string"}, {"name": "city", "type": "string"}]}
            """);
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
    void streamStreamTableTableForeignKeyAndGlobalTableJoinsAllWorkOnMaskedData(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("k");
        DataProduct orderProduct = DataProduct.builder("orders", "kinds-" + suffix).owner("team-orders")
                .outputPort(Enrichment.orders("unused", 6, false).outputPort("placed"))
                .outputPort(OutputPort.builder("paid", 1).valueSchema(PAYMENT).keyField("orderId").partitions(3)
                        .grant("analytics", "INTERNAL", "join tests").build())
                .build();
        DataProduct customerProduct = DataProduct.builder("customers", "kinds-" + suffix).owner("team-customers")
                .outputPort(Enrichment.customers("unused", 3).outputPort("profiles"))
                .outputPort(OutputPort.builder("addresses", 1).valueSchema(ADDRESS).keyField("customerId").partitions(3)
                        .grant("analytics", "INTERNAL", "join tests").build())
                .build();
        orders.provision(orderProduct);
        customers.provision(customerProduct);
        PortAddress placed = orderProduct.address(orderProduct.outputPort("placed"));
        PortAddress paid = orderProduct.address(orderProduct.outputPort("paid"));
        PortAddress profiles = customerProduct.address(customerProduct.outputPort("profiles"));
        PortAddress addresses = customerProduct.address(customerProduct.outputPort("addresses"));

        try (PortPublisher<String, GenericRecord> profilePublisher = customers.publisher(customerProduct.address(customerProduct.outputPort("profiles")));
             PortPublisher<String, GenericRecord> addressPublisher = customers.publisher(customerProduct.address(customerProduct.outputPort("addresses")))) {
            for (int i = 0; i < GovernedJoinIT.CUSTOMERS; i++) {
                profilePublisher.publishAsync(Enrichment.customer(i));
                GenericRecord address = new GenericData.Record(ADDRESS);
                address.put("customerId", "c-" + i);
                address.put("city", "City " + i);
                addressPublisher.publishAsync(address);
            }
            profilePublisher.flush();
            addressPublisher.flush();
        }

        Map<String, String> streamStream = new ConcurrentHashMap<>();
        Map<String, String> tableTable = new ConcurrentHashMap<>();
        Map<String, String> foreignKey = new ConcurrentHashMap<>();
        Map<String, String> global = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "kinds-" + suffix);
        KStream<String, GenericRecord> orderStream = builder.stream(placed.topic());
        KStream<String, GenericRecord> payments = builder.stream(paid.topic());
        builder.join(orderStream, payments, (order, payment) -> pair(order.get("orderId"), payment.get("cardHolder")),
                        JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMinutes(5)), PortJoined.as("orders-with-payments"))
                .foreach((key, value) -> streamStream.put(key, value.get("right").toString()), Named.as("collect-ss"));

        KTable<String, GenericRecord> profileTable = builder.table(profiles.topic());
        KTable<String, GenericRecord> addressTable = builder.table(addresses.topic());
        builder.join(profileTable, addressTable, (profile, address) -> pair(profile.get("name"), address.get("city")),
                        PortJoined.as("profiles-with-addresses"))
                .toStream(Named.as("tt-to-stream"))
                .foreach((key, value) -> tableTable.put(key, value.get("left") + "|" + value.get("right")), Named.as("collect-tt"));

        KTable<String, GenericRecord> orderTable = builder.table(placed, io.meshstreams.streams.PortConsumed.as("orders-table"));
        builder.join(orderTable, profileTable, order -> order.get("customerId").toString(),
                        (order, profile) -> pair(order.get("orderId"), profile.get("email")), PortJoined.as("orders-fk-profiles"))
                .toStream(Named.as("fk-to-stream"))
                .foreach((key, value) -> foreignKey.put(key, value.get("right").toString()), Named.as("collect-fk"));

        GlobalKTable<String, GenericRecord> profilesEverywhere = builder.globalTable(profiles,
                io.meshstreams.streams.PortConsumed.as("profiles-global"));
        orderStream.join(profilesEverywhere, (key, order) -> order.get("customerId").toString(),
                        (order, profile) -> pair(order.get("orderId"), profile.get("name")), Named.as("orders-with-global"))
                .foreach((key, value) -> global.put(key, value.get("right").toString()), Named.as("collect-global"));

        GovernedTopology topology = builder.build();
        try (KafkaStreams streams = topology.start(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            // on a first start the global table fills from its masked copy: let it, before orders arrive
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (var all = streams.store(StoreQueryParameters.fromNameAndType("profiles-global-global-store",
                        QueryableStoreTypes.<String, GenericRecord>keyValueStore())).all()) {
                    int count = 0;
                    while (all.hasNext()) {
                        all.next();
                        count++;
                    }
                    return count >= GovernedJoinIT.CUSTOMERS;
                }
            });
            try (PortPublisher<String, GenericRecord> orderPublisher = orders.publisher(orderProduct.address(orderProduct.outputPort("placed")));
                 PortPublisher<String, GenericRecord> paymentPublisher = orders.publisher(orderProduct.address(orderProduct.outputPort("paid")))) {
                for (int i = 0; i < ORDERS; i++) {
                    orderPublisher.publishAsync(Orders.order(i));
                    if (i % 2 == 0) { // every other order is paid
                        GenericRecord payment = new GenericData.Record(PAYMENT);
                        payment.put("orderId", "o-" + i);
                        payment.put("method", "card");
                        payment.put("cardHolder", "Card Holder " + i);
                        paymentPublisher.publishAsync(payment);
                    }
                }
                orderPublisher.flush();
                paymentPublisher.flush();
            }
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(streamStream).hasSize(ORDERS / 2);
                assertThat(tableTable).hasSize(GovernedJoinIT.CUSTOMERS);
                assertThat(foreignKey).hasSize(ORDERS);
                assertThat(global).hasSize(ORDERS);
            });
        }
        // every classified value arrived hashed (64 hex characters), never in clear
        assertThat(streamStream.values()).allMatch(v -> v.matches("[0-9a-f]{64}"));
        assertThat(tableTable.values()).allMatch(v -> v.matches("[0-9a-f]{64}\\|City \\d+"));
        assertThat(foreignKey.values()).allMatch(v -> v.matches("[0-9a-f]{64}"));
        assertThat(global.values()).allMatch(v -> v.matches("[0-9a-f]{64}"));
        // the global table is built from a masked copy: no clear name or email in it
        String copy = topology.applicationId() + "-profiles-global-masked";
        for (ConsumerRecord<byte[], byte[]> record : Topics.readAllRaw(mesh, copy, GovernedJoinIT.CUSTOMERS)) {
            String bytes = new String(record.value(), StandardCharsets.ISO_8859_1);
            assertThat(bytes).doesNotContain("Customer Name").doesNotContain("@example.com");
        }
    }

    private static final Schema PAIR = new Schema.Parser().parse("""
            {"type": "record", "name": "Pair", "namespace": "io.meshstreams.it",
             "fields": [{"name": "left", "type": "string"}, {"name": "right", "type": "string"}]}
            """);

    static GenericRecord pair(Object left, Object right) {
        GenericRecord pair = new GenericData.Record(PAIR);
        pair.put("left", left.toString());
        pair.put("right", right.toString());
        return pair;
    }
}
