package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.governance.FieldMasker;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.streams.PortConsumed;
import io.meshstreams.streams.PortJoined;
import io.meshstreams.subscribe.PortMessage;
import io.meshstreams.subscribe.PortSubscriber;
import io.meshstreams.subscribe.SubscriberOptions;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What masking must survive: join keys the reader sees only hashed, keys in Avro, and failures that end in the
 * dead-letter topic.
 */
@MeshTest
class MaskedKeysAndDeadLettersIT {
    static final int ORDERS = 200;
    static final Schema ACCOUNT = new Schema.Parser().parse("""
            {"type": "record", "name": "Account", "namespace": "io.meshstreams.it.accounts",
             "fields": [
               {"name": "accountNumber", "type": "long"},
               {"name": "holder", "type": "string", "classification": "PII"},
               {"name": "balance", "type": "double"}
             ]}
            """);

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

    /**
     * Customers (3 partitions) are keyed by a customer id that analytics sees only hashed; orders (6 partitions)
     * carry it hashed too. The stream is re-keyed by the hash and repartitioned, so the table must be repartitioned
     * by the hash as well: its records sit in the partitions of the clear ids. Same for a foreign-key join.
     */
    @Test
    void joinsOnAHashedKeyFindEveryMatchWhenOneSideIsRepartitioned(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("h");
        DataProduct customerProduct = DataProduct.builder("customers", "hashed-" + suffix).owner("team-customers")
                .outputPort(Enrichment.customers("unused", 3).outputPort("profiles").toBuilder()
                        .classify("customerId", "PII").build())
                .build();
        DataProduct orderProduct = DataProduct.builder("orders", "hashed-" + suffix).owner("team-orders")
                .outputPort(Orders.port(1, Orders.PLACED, OnViolation.QUARANTINE).toBuilder().partitions(6)
                        .classify("customerId", "PII").build())
                .build();
        customers.provision(customerProduct);
        orders.provision(orderProduct);
        PortAddress profiles = customerProduct.address(customerProduct.outputPort("profiles"));
        PortAddress placed = orderProduct.address(orderProduct.outputPort("placed"));
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(customerProduct.address(customerProduct.outputPort("profiles")))) {
            for (int i = 0; i < GovernedJoinIT.CUSTOMERS; i++) {
                publisher.publishAsync(Enrichment.customer(i));
            }
            publisher.flush();
        }

        Map<String, String> streamTable = new ConcurrentHashMap<>();
        Map<String, String> foreignKey = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "hashed-" + suffix);
        KStream<String, GenericRecord> orderStream = builder.stream(placed.topic());
        KTable<String, GenericRecord> profileTable = builder.table(profiles.topic());
        builder.join(orderStream, profileTable, (order, profile) -> GovernedJoinKindsIT.pair(order.get("orderId"),
                        profile.get("customerId")), PortJoined.as("orders-by-hashed-customer")
                        .withRekeyByField("customerId"))
                .foreach((key, value) -> streamTable.put(value.get("left").toString(), key), Named.as("collect-st"));
        KTable<String, GenericRecord> orderTable = builder.table(placed, PortConsumed.as("orders-table"));
        builder.join(orderTable, profileTable, order -> order.get("customerId").toString(),
                        (order, profile) -> GovernedJoinKindsIT.pair(order.get("orderId"), profile.get("customerId")),
                        PortJoined.as("orders-fk-hashed-customer"))
                .toStream(Named.as("fk-to-stream"))
                .foreach((key, value) -> foreignKey.put(key, value.get("right").toString()), Named.as("collect-fk"));

        GovernedTopology topology = builder.build();
        FieldMasker masker = FieldMasker.create(customerProduct.outputPort("profiles"), "INTERNAL",
                analytics.maskingRules());
        publishOrders(orderProduct, 0, ORDERS);
        try (KafkaStreams streams = topology.start(Map.of(StreamsConfig.STATE_DIR_CONFIG,
                stateDir.resolve("hashed").toString(), StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            // A foreign-key join finds its match whichever side comes first: all orders joined means every
            // customer is in the table (repartitioned by the hashes, and shared by both joins) ...
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(foreignKey).hasSize(ORDERS));
            // ... so from now on every order of the stream-table join finds its customer too.
            publishOrders(orderProduct, ORDERS, 2 * ORDERS);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(foreignKey).hasSize(2 * ORDERS);
                assertThat(streamTable).containsKeys(java.util.stream.IntStream.range(ORDERS, 2 * ORDERS)
                        .mapToObj(i -> "o-" + i).toArray(String[]::new));
            });
        }
        for (int i = 0; i < 2 * ORDERS; i++) {
            String hashedCustomer = masker.maskKey("c-" + (i % 100));
            assertThat(foreignKey).containsEntry("o-" + i, hashedCustomer);
            if (streamTable.containsKey("o-" + i)) {
                assertThat(streamTable).containsEntry("o-" + i, hashedCustomer);
            }
        }
    }

    private static void publishOrders(DataProduct product, int from, int to) {
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            for (int i = from; i < to; i++) {
                publisher.publishAsync(Orders.order(i));
            }
            publisher.flush();
        }
    }

    /** A port keyed in Avro by a long: readers see a Long, or its hash (a String) when the field is classified. */
    @Test
    void avroKeysAreReadAsTheirValueAndHashedLikeTheFieldWhenClassified(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("a");
        KeyDefinition avroKey = KeyDefinition.field("accountNumber").withFormat(KeyDefinition.Format.AVRO);
        DataProduct product = DataProduct.builder("customers", "accounts-" + suffix).owner("team-customers")
                .outputPort(OutputPort.builder("accounts", 1).valueSchema(ACCOUNT).key(avroKey).partitions(2)
                        .grant("analytics", "INTERNAL", "key tests").build())
                .outputPort(OutputPort.builder("private-accounts", 1).valueSchema(ACCOUNT).key(avroKey).partitions(2)
                        .classify("accountNumber", "PII").grant("analytics", "INTERNAL", "key tests").build())
                .build();
        customers.provision(product);
        for (String port : List.of("accounts", "private-accounts")) {
            try (PortPublisher<Long, GenericRecord> publisher = customers.publisher(product.address(
                    product.outputPort(port)), Long.class, GenericRecord.class)) {
                for (long n = 1001; n <= 1010; n++) {
                    GenericRecord account = new GenericData.Record(ACCOUNT);
                    account.put("accountNumber", n);
                    account.put("holder", "Holder " + n);
                    account.put("balance", 10.0 * n);
                    // a key given or taken from the field: the same long
                    PublishResult result = n % 2 == 0 ? publisher.publish(n, account) : publisher.publish(account);
                    assertThat(result.isPublished()).isTrue();
                }
            }
        }
        PortAddress open = product.address(product.outputPort("accounts"));
        PortAddress hidden = product.address(product.outputPort("private-accounts"));
        FieldMasker masker = FieldMasker.create(product.outputPort("private-accounts"), "INTERNAL",
                analytics.maskingRules());

        List<PortMessage<Long, GenericRecord>> received = new ArrayList<>();
        try (PortSubscriber<Long, GenericRecord> subscriber = analytics.subscriber(open,
                SubscriberOptions.named("accounts-" + suffix), Long.class, GenericRecord.class)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                subscriber.poll(Duration.ofMillis(200), received::add);
                return received.size() >= 10;
            });
        }
        assertThat(received).allSatisfy(m -> assertThat(m.key()).isEqualTo(m.value().get("accountNumber")));

        Map<Long, Long> openKeys = new ConcurrentHashMap<>();
        Map<String, String> hiddenKeys = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "account-keys-" + suffix);
        builder.table(open, PortConsumed.as("open").withKeyType(Long.class)).toStream(Named.as("open-to-stream"))
                .foreach((key, value) -> openKeys.put(key, (Long) value.get("accountNumber")), Named.as("collect-open"));
        builder.stream(hidden.topic())
                .foreach((key, value) -> hiddenKeys.put(key, value.get("accountNumber").toString()),
                        Named.as("collect-hidden"));
        try (KafkaStreams streams = builder.build().start(Map.of(StreamsConfig.STATE_DIR_CONFIG,
                stateDir.resolve("accounts").toString(), StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(openKeys).hasSize(10);
                assertThat(hiddenKeys).hasSize(10);
            });
        }
        openKeys.forEach((key, number) -> assertThat(key).isEqualTo(number));
        // the hashed key equals the hashed field: they still join
        hiddenKeys.forEach((key, hashedField) -> assertThat(key).isEqualTo(hashedField).matches("[0-9a-f]{64}"));
        assertThat(hiddenKeys.keySet()).contains(masker.maskKey("1001"));
    }

    /** A processor that fails on a record of a masked port must not send the port's clear bytes anywhere. */
    @Test
    void aFailingProcessorSendsNoClassifiedBytesToTheDeadLetterTopic(TestMesh mesh) {
        String suffix = mesh.uniqueTopic("d");
        DataProduct customerProduct = Enrichment.customers("dead-" + suffix, 3);
        customers.provision(customerProduct);
        PortAddress profiles = customerProduct.address(customerProduct.outputPort("profiles"));
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(customerProduct.address(customerProduct.outputPort("profiles")))) {
            for (int i = 0; i < 5; i++) {
                publisher.publishAsync(Enrichment.customer(i));
            }
            publisher.flush();
        }
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "dead-" + suffix);
        builder.stream(profiles.topic()).peek((key, value) -> {
            throw new IllegalStateException("the user's code fails on " + value.get("email"));
        }, Named.as("failing-peek"));
        GovernedTopology topology = builder.build();
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (KafkaStreams streams = topology.start(Map.of(StreamsConfig.STATE_DIR_CONFIG,
                stateDir.resolve("dead").toString(), StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            dead = Topics.awaitRaw(mesh, topology.deadLetterTopic(), 5, Duration.ofSeconds(60)).stream()
                    .filter(r -> profiles.topic().equals(Topics.header(r, "__streams.errors.topic"))).toList();
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        assertThat(dead).hasSize(5).allSatisfy(record -> {
            assertThat(record.key()).isNull();
            assertThat(record.value()).isNull();
            assertThat(Topics.header(record, "mesh.dead-letter.payload")).isEqualTo("omitted-classified");
            assertThat(Topics.header(record, "__streams.errors.offset")).matches("\\d+");
            assertThat(Topics.header(record, "__streams.errors.exception")).isEqualTo(IllegalStateException.class.getName());
            // the message the user's code wrote holds the masked value it saw
            assertThat(Topics.header(record, "__streams.errors.message")).matches("the user's code fails on [0-9a-f]{64}");
            assertThat(GovernedJoinIT.text(record)).doesNotContain("@example.com").doesNotContain("Customer Name");
        });
        assertThat(dead.stream().map(r -> new String(r.headers().lastHeader("__streams.errors.partition").value(),
                StandardCharsets.UTF_8) + "@" + Topics.header(r, "__streams.errors.offset")).distinct()).hasSize(5);
    }

    /** Reading another domain's port with a plain Kafka Streams source would skip the grant check and masking. */
    @Test
    void anotherDomainsPortReadAroundTheGovernedBuilderIsRefused(TestMesh mesh) {
        DataProduct customerProduct = Enrichment.customers("raw-" + mesh.uniqueTopic("r"), 3);
        customers.provision(customerProduct);
        PortAddress profiles = customerProduct.address(customerProduct.outputPort("profiles"));
        for (String topic : List.of(profiles.topic(), profiles.quarantineTopic())) {
            GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "raw-" + mesh.uniqueTopic("r"));
            builder.streamsBuilder().stream(topic).foreach((key, value) -> { }, Named.as("peek-raw"));
            assertThatThrownBy(builder::build).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("reads " + topic + " with a plain Kafka Streams source")
                    .hasMessageContaining("builder.stream(\"" + profiles + "\")");
        }
    }
}
