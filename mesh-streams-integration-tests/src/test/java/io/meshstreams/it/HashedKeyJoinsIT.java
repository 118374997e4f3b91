package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.governance.FieldMasker;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.streams.GovernedStreamsBuilder;
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
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys this domain sees only hashed, with a {@code filter} or {@code mapValues} between the port and every join
 * kind: the builder no longer recognises such a stream or table, yet every side is partitioned by the hashes it
 * sees (each hashed port is repartitioned by its hashes once, at its source). The clear keys are written in Avro on
 * some ports and as text on others, so ports with equal partition counts are not co-partitioned by their clear keys.
 */
@MeshTest
class HashedKeyJoinsIT {
    static final Schema CUSTOMER = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "Customer", "namespace": "io.meshstreams.it.hashed",
             "fields": [{"name": "customerId", "type": "string", "classification": "PII"},
                        {"name": "tier", "type": "string"}]}""");
    static final Schema ADDRESS = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "Address", "namespace": "io.meshstreams.it.hashed",
             "fields": [{"name": "customerId", "type": "string", "classification": "PII"},
                        {"name": "city", "type": "string"}]}""");
    static final Schema ORDER = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "Order", "namespace": "io.meshstreams.it.hashed",
             "fields": [{"name": "orderId", "type": "string", "classification": "PII"},
                        {"name": "customerId", "type": "string", "classification": "PII"},
                        {"name": "amount", "type": "double"}]}""");
    static final Schema PAYMENT = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "Payment", "namespace": "io.meshstreams.it.hashed",
             "fields": [{"name": "orderId", "type": "string", "classification": "PII"},
                        {"name": "method", "type": "string"}]}""");
    static final int CUSTOMERS = 100;
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
    void everyJoinKindFindsEveryMatchOnHashedKeysAfterAFilterOrMapValues(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("hk");
        KeyDefinition.Format avro = KeyDefinition.Format.AVRO;
        KeyDefinition.Format text = KeyDefinition.Format.STRING;
        DataProduct customerProduct = AvroKeyJoinsIT.product("customers", suffix,
                AvroKeyJoinsIT.port("profiles", CUSTOMER, "customerId", avro, 3),
                AvroKeyJoinsIT.port("addresses", ADDRESS, "customerId", text, 3));
        DataProduct orderProduct = AvroKeyJoinsIT.product("orders", suffix,
                AvroKeyJoinsIT.port("placed", ORDER, "orderId", text, 6),
                AvroKeyJoinsIT.port("paid", PAYMENT, "orderId", avro, 6));
        customers.provision(customerProduct);
        orders.provision(orderProduct);
        PortAddress profiles = customerProduct.address(customerProduct.outputPort("profiles"));
        PortAddress addresses = customerProduct.address(customerProduct.outputPort("addresses"));
        PortAddress placed = orderProduct.address(orderProduct.outputPort("placed"));
        PortAddress paid = orderProduct.address(orderProduct.outputPort("paid"));
        publishCustomers(profiles, addresses);
        publishOrders(placed, paid, 0, ORDERS);

        Map<String, String> streamTable = new ConcurrentHashMap<>();
        Map<String, String> streamStream = new ConcurrentHashMap<>();
        Map<String, String> tableTable = new ConcurrentHashMap<>();
        Map<String, String> foreignKey = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "hashed-" + suffix);
        KTable<String, GenericRecord> profileTable = builder.table(profiles);
        KTable<String, GenericRecord> profilesFiltered = profileTable.filter((key, profile) -> profile.get("tier") != null,
                Named.as("profiles-filter"));

        // stream-table: the stream re-keyed by the hashed customer id, the table filtered
        builder.join(builder.stream(placed).filter((key, order) -> true, Named.as("orders-filter")), profilesFiltered,
                        HashedKeyJoinsIT::pair, PortJoined.as("orders-by-customer").withRekeyByField("customerId"))
                .foreach((key, value) -> streamTable.put(value.get("left").toString(), key), Named.as("collect-st"));
        // stream-stream: both sides on six partitions, clear keys as text and in Avro
        builder.join(builder.stream(paid).mapValues(payment -> payment, Named.as("payments-map")),
                        builder.stream(placed).filter((key, order) -> true, Named.as("orders-filter-2")),
                        HashedKeyJoinsIT::pair, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMinutes(10)),
                        PortJoined.as("payments-with-orders"))
                .foreach((key, value) -> streamStream.put(key, value.get("left") + "|" + value.get("right")),
                        Named.as("collect-ss"));
        // table-table: both on three partitions, clear keys as text and in Avro
        builder.join(builder.table(addresses).mapValues(address -> address, Named.as("addresses-map")), profilesFiltered,
                        HashedKeyJoinsIT::pair, PortJoined.as("addresses-with-profiles"))
                .toStream(Named.as("tt-to-stream"))
                .foreach((key, value) -> tableTable.put(key, value.get("left") + "|" + value.get("right")),
                        Named.as("collect-tt"));
        // foreign key: both tables filtered
        builder.join(builder.table(placed, PortConsumed.as("orders-table"))
                                .filter((key, order) -> true, Named.as("orders-table-filter")),
                        profilesFiltered, order -> order.get("customerId").toString(), HashedKeyJoinsIT::pair,
                        PortJoined.as("orders-fk-customers"))
                .toStream(Named.as("fk-to-stream"))
                .foreach((key, value) -> foreignKey.put(key, value.get("right").toString()), Named.as("collect-fk"));

        FieldMasker masker = FieldMasker.create(customerProduct.outputPort("profiles"), "INTERNAL",
                analytics.maskingRules());
        try (KafkaStreams streams = builder.build().start(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            // A foreign-key join finds its match whichever side comes first: all orders joined means every customer
            // is in the table ...
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(foreignKey).hasSize(ORDERS);
                assertThat(tableTable).hasSize(CUSTOMERS);
                assertThat(streamStream).hasSize(ORDERS / 2);
            });
            // ... so from now on every order of the stream-table join finds its customer too.
            publishOrders(placed, paid, ORDERS, 2 * ORDERS);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(foreignKey).hasSize(2 * ORDERS);
                assertThat(streamStream).hasSize(ORDERS);
                for (int i = ORDERS; i < 2 * ORDERS; i++) {
                    assertThat(streamTable).containsKey(masker.maskKey("o-" + i));
                }
            });
        }
        Map<String, String> expectedForeignKey = new HashMap<>();
        Map<String, String> expectedStreamStream = new HashMap<>();
        for (int i = 0; i < 2 * ORDERS; i++) {
            String order = masker.maskKey("o-" + i);
            String customer = masker.maskKey(customerId(i));
            expectedForeignKey.put(order, customer + "/" + tier(customerId(i)));
            if (i % 2 == 0) {
                expectedStreamStream.put(order, order + "|" + order + "/" + customer);
            }
            if (streamTable.containsKey(order)) {
                assertThat(streamTable).containsEntry(order, customer);
            }
        }
        Map<String, String> expectedTableTable = new HashMap<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            String customer = masker.maskKey("c-" + i);
            expectedTableTable.put(customer, customer + "|" + customer + "/" + tier("c-" + i));
        }
        assertThat(foreignKey).isEqualTo(expectedForeignKey);
        assertThat(streamStream).isEqualTo(expectedStreamStream);
        assertThat(tableTable).isEqualTo(expectedTableTable);
    }

    static String customerId(int order) {
        return "c-" + order % CUSTOMERS;
    }

    static String tier(String customerId) {
        return AvroKeyJoinsIT.tier(customerId);
    }

    static void publishCustomers(PortAddress profiles, PortAddress addresses) {
        try (PortPublisher<String, GenericRecord> profilePublisher = customers.publisher(profiles);
             PortPublisher<String, GenericRecord> addressPublisher = customers.publisher(addresses)) {
            for (int i = 0; i < CUSTOMERS; i++) {
                GenericRecord customer = new GenericData.Record(CUSTOMER);
                customer.put("customerId", "c-" + i);
                customer.put("tier", tier("c-" + i));
                profilePublisher.publishAsync(customer);
                GenericRecord address = new GenericData.Record(ADDRESS);
                address.put("customerId", "c-" + i);
                address.put("city", "City " + i);
                addressPublisher.publishAsync(address);
            }
            profilePublisher.flush();
            addressPublisher.flush();
        }
    }

    /** Orders {@code from} to {@code to}, every other one paid. */
    static void publishOrders(PortAddress placed, PortAddress paid, int from, int to) {
        try (PortPublisher<String, GenericRecord> orderPublisher = orders.publisher(placed);
             PortPublisher<String, GenericRecord> paymentPublisher = orders.publisher(paid)) {
            for (int i = from; i < to; i++) {
                GenericRecord order = new GenericData.Record(ORDER);
                order.put("orderId", "o-" + i);
                order.put("customerId", customerId(i));
                order.put("amount", 10.0 + i);
                orderPublisher.publishAsync(order);
                if (i % 2 == 0) {
                    GenericRecord payment = new GenericData.Record(PAYMENT);
                    payment.put("orderId", "o-" + i);
                    payment.put("method", "card");
                    paymentPublisher.publishAsync(payment);
                }
            }
            orderPublisher.flush();
            paymentPublisher.flush();
        }
    }

    /** The left record's first field, and the right record's first two. */
    static GenericRecord pair(GenericRecord left, GenericRecord right) {
        return AvroKeyJoinsIT.pair(left, right);
    }
}
