package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.streams.CoPartitioning;
import io.meshstreams.streams.CoPartitioningException;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.streams.PortConsumed;
import io.meshstreams.streams.PortJoined;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Co-partitioning means the same partitioner over the same bytes: every governed join kind on ports whose keys are
 * in Avro (the publisher places a record by the murmur2 hash of the key's wire bytes: magic byte, schema id, Avro
 * binary), and on a STRING side against an AVRO side with equal partition counts. Each output equals a reference
 * computed here from the published records.
 */
@MeshTest
class AvroKeyJoinsIT {
    static final Schema CUSTOMER = schema("""
            {"type": "record", "name": "Customer", "namespace": "io.meshstreams.it.keys",
             "fields": [{"name": "customerId", "type": "string"}, {"name": "tier", "type": "string"}]}""");
    static final Schema ADDRESS = schema("""
            {"type": "record", "name": "Address", "namespace": "io.meshstreams.it.keys",
             "fields": [{"name": "customerId", "type": "string"}, {"name": "city", "type": "string"}]}""");
    static final Schema ORDER = schema("""
            {"type": "record", "name": "Order", "namespace": "io.meshstreams.it.keys",
             "fields": [{"name": "orderId", "type": "string"}, {"name": "customerId", "type": "string"},
                        {"name": "amount", "type": "double"}]}""");
    static final Schema PAYMENT = schema("""
            {"type": "record", "name": "Payment", "namespace": "io.meshstreams.it.keys",
             "fields": [{"name": "orderId", "type": "string"}, {"name": "method", "type": "string"}]}""");
    static final KeyDefinition.Format AVRO = KeyDefinition.Format.AVRO;
    static final KeyDefinition.Format STRING = KeyDefinition.Format.STRING;
    static final int CUSTOMERS = 100;
    static final int ORDERS = 1_000;

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

    /** The measured scenario: 350 of 1,000 orders joined, with no error, before keys were written as their ports write them. */
    @Test
    void ordersOnSixPartitionsReKeyedByCustomerJoinEveryCustomerOfAnAvroKeyedTableOnThree(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("rk");
        PortAddress profiles = provisionCustomers(suffix, AVRO, 3);
        PortAddress placed = provisionOrders(suffix, port("placed", ORDER, "orderId", STRING, 6));
        publishCustomers(profiles);
        publishOrders(placed, ORDERS);

        Map<String, String> joined = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "avro-rekey-" + suffix);
        KStream<String, GenericRecord> orderStream = builder.stream(placed);
        KTable<String, GenericRecord> customerTable = builder.table(profiles);
        builder.join(orderStream, customerTable, AvroKeyJoinsIT::pair,
                        PortJoined.as("orders-with-customers").withRekeyByField("customerId"))
                .foreach((key, value) -> joined.put(value.get("left").toString(), key + "|" + value.get("right")),
                        Named.as("collect"));

        run(builder.build(), "rekey", () -> assertThat(joined).hasSize(ORDERS));
        assertThat(joined).isEqualTo(reference(ORDERS, i -> customerId(i) + "|" + customer(customerId(i))));
    }

    /**
     * Without re-keying: orders keyed by customer in Avro on six partitions (counts differ), and keyed by customer as
     * text on three (counts equal, encodings differ), each joined with the Avro-keyed customers on three.
     */
    @Test
    void streamsKeyedAlikeButPartitionedOrEncodedDifferentlyAreRepartitionedLikeTheTable(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("rp");
        PortAddress profiles = provisionCustomers(suffix, AVRO, 3);
        DataProduct orderProduct = product("orders", suffix, port("by-customer-avro", ORDER, "customerId", AVRO, 6),
                port("by-customer-text", ORDER, "customerId", STRING, 3));
        orders.provision(orderProduct);
        PortAddress avroOrders = orderProduct.address(orderProduct.outputPort("by-customer-avro"));
        PortAddress textOrders = orderProduct.address(orderProduct.outputPort("by-customer-text"));
        publishCustomers(profiles);
        publishOrders(avroOrders, ORDERS);
        publishOrders(textOrders, ORDERS);

        // asked to refuse, the join says why: equal counts, different encodings
        GovernedStreamsBuilder refusing = GovernedStreamsBuilder.create(analytics, "avro-refuse-" + suffix);
        CoPartitioningException refused = catchThrowableOfType(CoPartitioningException.class,
                () -> refusing.join(refusing.stream(textOrders), refusing.table(profiles), AvroKeyJoinsIT::pair,
                        PortJoined.as("refused").withCoPartitioning(CoPartitioning.REFUSE)));
        assertThat(refused).hasMessageContaining(textOrders.topic() + " has 3 partitions, keys as UTF-8 text")
                .hasMessageContaining(profiles.topic() + " has 3 partitions, keys in Avro (key schema \"string\"");

        Map<String, String> fromAvro = new ConcurrentHashMap<>();
        Map<String, String> fromText = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "avro-repartition-" + suffix);
        KTable<String, GenericRecord> customerTable = builder.table(profiles);
        builder.join(builder.stream(avroOrders), customerTable, AvroKeyJoinsIT::pair, PortJoined.as("avro-orders"))
                .foreach((key, value) -> fromAvro.put(value.get("left").toString(), key + "|" + value.get("right")),
                        Named.as("collect-avro"));
        builder.join(builder.stream(textOrders), customerTable, AvroKeyJoinsIT::pair, PortJoined.as("text-orders"))
                .foreach((key, value) -> fromText.put(value.get("left").toString(), key + "|" + value.get("right")),
                        Named.as("collect-text"));

        run(builder.build(), "repartition", () -> {
            assertThat(fromAvro).hasSize(ORDERS);
            assertThat(fromText).hasSize(ORDERS);
        });
        Map<String, String> reference = reference(ORDERS, i -> customerId(i) + "|" + customer(customerId(i)));
        assertThat(fromAvro).isEqualTo(reference);
        assertThat(fromText).isEqualTo(reference);
    }

    /** Orders in Avro joined with payments as text on as many partitions, and with payments in Avro on fewer. */
    @Test
    void streamStreamJoinsFindEveryPaymentWhateverEachSidesKeyFormat(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("ss");
        DataProduct product = product("orders", suffix, port("placed-avro-3", ORDER, "orderId", AVRO, 3),
                port("placed-avro-6", ORDER, "orderId", AVRO, 6), port("paid-text-3", PAYMENT, "orderId", STRING, 3),
                port("paid-avro-3", PAYMENT, "orderId", AVRO, 3));
        orders.provision(product);
        PortAddress placed3 = product.address(product.outputPort("placed-avro-3"));
        PortAddress placed6 = product.address(product.outputPort("placed-avro-6"));
        PortAddress paidText = product.address(product.outputPort("paid-text-3"));
        PortAddress paidAvro = product.address(product.outputPort("paid-avro-3"));
        publishOrders(placed3, ORDERS);
        publishOrders(placed6, ORDERS);
        publishPayments(paidText);
        publishPayments(paidAvro);

        Map<String, String> sameCount = new ConcurrentHashMap<>();
        Map<String, String> otherCount = new ConcurrentHashMap<>();
        JoinWindows window = JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMinutes(10));
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "avro-ss-" + suffix);
        builder.join(builder.stream(placed3), builder.stream(paidText), AvroKeyJoinsIT::pair, window,
                        PortJoined.as("avro-with-text"))
                .foreach((key, value) -> sameCount.put(key, value.get("right").toString()), Named.as("collect-same"));
        builder.join(builder.stream(placed6), builder.stream(paidAvro), AvroKeyJoinsIT::pair, window,
                        PortJoined.as("avro-with-avro"))
                .foreach((key, value) -> otherCount.put(key, value.get("right").toString()), Named.as("collect-other"));

        run(builder.build(), "stream-stream", () -> {
            assertThat(sameCount).hasSize(ORDERS / 2);
            assertThat(otherCount).hasSize(ORDERS / 2);
        });
        Map<String, String> reference = new HashMap<>();
        for (int i = 0; i < ORDERS; i += 2) {
            reference.put("o-" + i, "o-" + i + "/card-" + i);
        }
        assertThat(sameCount).isEqualTo(reference);
        assertThat(otherCount).isEqualTo(reference);
    }

    /** Profiles in Avro and addresses as text, on three partitions each. */
    @Test
    void tableTableJoinOfAnAvroAndATextKeyedTableOnEqualCountsFindsEveryCustomer(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("tt");
        DataProduct product = product("customers", suffix, port("profiles", CUSTOMER, "customerId", AVRO, 3),
                port("addresses", ADDRESS, "customerId", STRING, 3));
        customers.provision(product);
        PortAddress profiles = product.address(product.outputPort("profiles"));
        PortAddress addresses = product.address(product.outputPort("addresses"));
        publishCustomers(profiles);
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(addresses)) {
            for (int i = 0; i < CUSTOMERS; i++) {
                GenericRecord address = new GenericData.Record(ADDRESS);
                address.put("customerId", "c-" + i);
                address.put("city", "City " + i);
                publisher.publishAsync(address);
            }
            publisher.flush();
        }

        Map<String, String> joined = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "avro-tt-" + suffix);
        builder.join(builder.table(addresses), builder.table(profiles), AvroKeyJoinsIT::pair,
                        PortJoined.as("addresses-with-profiles"))
                .toStream(Named.as("tt-to-stream"))
                .foreach((key, value) -> joined.put(key, value.get("left") + "|" + value.get("right")), Named.as("collect"));

        run(builder.build(), "table-table", () -> assertThat(joined).hasSize(CUSTOMERS));
        Map<String, String> reference = new HashMap<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            reference.put("c-" + i, "c-" + i + "|" + customer("c-" + i));
        }
        assertThat(joined).isEqualTo(reference);
    }

    /** Orders keyed by order id as text on six partitions look their customer up in the Avro-keyed customers on three. */
    @Test
    void foreignKeyLookupsLandInThePartitionsOfTheAvroKeyedTable(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("fk");
        PortAddress profiles = provisionCustomers(suffix, AVRO, 3);
        PortAddress placed = provisionOrders(suffix, port("placed", ORDER, "orderId", STRING, 6));
        publishCustomers(profiles);
        publishOrders(placed, ORDERS);

        Map<String, String> joined = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "avro-fk-" + suffix);
        KTable<String, GenericRecord> orderTable = builder.table(placed, PortConsumed.as("orders-table"));
        builder.join(orderTable, builder.table(profiles), order -> order.get("customerId").toString(),
                        AvroKeyJoinsIT::pair, PortJoined.as("orders-fk-customers"))
                .toStream(Named.as("fk-to-stream"))
                .foreach((key, value) -> joined.put(key, value.get("right").toString()), Named.as("collect"));

        run(builder.build(), "foreign-key", () -> assertThat(joined).hasSize(ORDERS));
        assertThat(joined).isEqualTo(reference(ORDERS, i -> customer(customerId(i))));
    }

    // ---------------------------------------------------------------- the domains

    static Schema schema(String json) {
        return new Schema.Parser().parse(json);
    }

    static OutputPort port(String name, Schema schema, String keyField, KeyDefinition.Format format, int partitions) {
        return OutputPort.builder(name, 1).valueSchema(schema).key(KeyDefinition.field(keyField).withFormat(format))
                .partitions(partitions).grant("analytics", "INTERNAL", "key tests").build();
    }

    static DataProduct product(String domain, String suffix, OutputPort... ports) {
        DataProduct.Builder builder = DataProduct.builder(domain, "keys-" + suffix).owner("team-" + domain);
        for (OutputPort port : ports) {
            builder.outputPort(port);
        }
        return builder.build();
    }

    static PortAddress provisionCustomers(String suffix, KeyDefinition.Format format, int partitions) {
        DataProduct product = product("customers", suffix, port("profiles", CUSTOMER, "customerId", format, partitions));
        customers.provision(product);
        return product.address(product.outputPort("profiles"));
    }

    static PortAddress provisionOrders(String suffix, OutputPort port) {
        DataProduct product = product("orders", suffix, port);
        orders.provision(product);
        return product.address(port);
    }

    static String customerId(int order) {
        return "c-" + order % CUSTOMERS;
    }

    static String tier(String customerId) {
        return customerId.hashCode() % 3 == 0 ? "gold" : "standard";
    }

    static void publishCustomers(PortAddress port) {
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(port)) {
            for (int i = 0; i < CUSTOMERS; i++) {
                GenericRecord customer = new GenericData.Record(CUSTOMER);
                customer.put("customerId", "c-" + i);
                customer.put("tier", tier("c-" + i));
                publisher.publishAsync(customer);
            }
            publisher.flush();
        }
    }

    static void publishOrders(PortAddress port, int count) {
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(port)) {
            for (int i = 0; i < count; i++) {
                GenericRecord order = new GenericData.Record(ORDER);
                order.put("orderId", "o-" + i);
                order.put("customerId", customerId(i));
                order.put("amount", 10.0 + i);
                publisher.publishAsync(order);
            }
            publisher.flush();
        }
    }

    /** Every other order is paid. */
    static void publishPayments(PortAddress port) {
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(port)) {
            for (int i = 0; i < ORDERS; i += 2) {
                GenericRecord payment = new GenericData.Record(PAYMENT);
                payment.put("orderId", "o-" + i);
                payment.put("method", "card-" + i);
                publisher.publishAsync(payment);
            }
            publisher.flush();
        }
    }

    static Map<String, String> reference(int orders, java.util.function.IntFunction<String> expected) {
        Map<String, String> reference = new HashMap<>();
        for (int i = 0; i < orders; i++) {
            reference.put("o-" + i, expected.apply(i));
        }
        return reference;
    }

    private static final Schema PAIR = schema("""
            {"type": "record", "name": "Pair", "namespace": "io.meshstreams.it.keys",
             "fields": [{"name": "left", "type": "string"}, {"name": "right", "type": "string"}]}""");

    /** The left record's first field, and the right record's first two: (o-7, c-7/gold), (o-8, o-8/card-8), ... */
    static GenericRecord pair(GenericRecord left, GenericRecord right) {
        GenericRecord pair = new GenericData.Record(PAIR);
        pair.put("left", left.get(0).toString());
        pair.put("right", right.get(0) + "/" + right.get(1));
        return pair;
    }

    static String customer(String customerId) {
        return customerId + "/" + tier(customerId);
    }

    /** Runs the topology until {@code done} holds, then a little longer to see that nothing more arrives. */
    static void run(GovernedTopology topology, String name, Runnable done) {
        try (KafkaStreams streams = topology.start(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(done::run);
            assertThat(streams.state()).isIn(List.of(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING));
        }
    }
}
