package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.KeyTypeMismatchException;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.serde.AvroSerdeConfig;
import io.meshstreams.serde.AvroSerializer;
import io.meshstreams.streams.GovernedStreamsBuilder;
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
import org.apache.kafka.streams.kstream.JoinWindows;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A port's keys are typed as its key field declares them: a {@code long} key field gives {@code Long} keys to its
 * publisher, its subscribers and governed topologies, whatever the key format; a key a reader sees hashed is a
 * {@code String}. The short forms are for {@code String} keys and name the typed form to call.
 */
@MeshTest
class TypedKeysIT {
    static final Schema ACCOUNT = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "Account", "namespace": "io.meshstreams.it.typed",
             "fields": [{"name": "accountNumber", "type": "long"}, {"name": "holder", "type": "string"}]}""");
    static final Schema PRIVATE_ACCOUNT = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "PrivateAccount", "namespace": "io.meshstreams.it.typed",
             "fields": [{"name": "accountNumber", "type": "long", "classification": "PII"},
                        {"name": "holder", "type": "string"}]}""");
    static final Schema TRANSFER = AvroKeyJoinsIT.schema("""
            {"type": "record", "name": "Transfer", "namespace": "io.meshstreams.it.typed",
             "fields": [{"name": "transferId", "type": "string"}, {"name": "accountNumber", "type": "long"},
                        {"name": "amount", "type": "double"}]}""");
    static final int ACCOUNTS = 30;
    static final int TRANSFERS = 300;

    static MeshClient customers;
    static MeshClient analytics;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void clients(TestMesh mesh) {
        customers = MeshClient.create(PortPublisherIT.with(mesh, "customers"));
        analytics = MeshClient.create(PortPublisherIT.with(mesh, "analytics"));
    }

    @AfterAll
    static void close() {
        analytics.close();
        customers.close();
    }

    static DataProduct accounts(TestMesh mesh) {
        return AvroKeyJoinsIT.product("customers", mesh.uniqueTopic("t"),
                AvroKeyJoinsIT.port("text-accounts", ACCOUNT, "accountNumber", KeyDefinition.Format.STRING, 3),
                AvroKeyJoinsIT.port("text-balances", ACCOUNT, "accountNumber", KeyDefinition.Format.STRING, 3),
                AvroKeyJoinsIT.port("avro-accounts", ACCOUNT, "accountNumber", KeyDefinition.Format.AVRO, 2),
                AvroKeyJoinsIT.port("transfers", TRANSFER, "transferId", KeyDefinition.Format.STRING, 4),
                AvroKeyJoinsIT.port("private-accounts", PRIVATE_ACCOUNT, "accountNumber", KeyDefinition.Format.AVRO, 2));
    }

    @Test
    void theShortFormsAndAWrongTypeAreRefusedWithTheTypeToAskFor(TestMesh mesh) {
        DataProduct product = accounts(mesh);
        customers.provision(product);
        PortAddress avroAccounts = product.address(product.outputPort("avro-accounts"));
        PortAddress privateAccounts = product.address(product.outputPort("private-accounts"));

        assertThatThrownBy(() -> customers.publisher(avroAccounts)).isInstanceOf(KeyTypeMismatchException.class)
                .hasMessage("Port " + avroAccounts + " is keyed by field 'accountNumber', a long, so its keys are Long,"
                        + " not String. Fix: client.publisher(PortAddress.parse(\"" + avroAccounts + "\"), Long.class,"
                        + " GenericRecord.class).");
        assertThatThrownBy(() -> customers.publisher(avroAccounts, Integer.class, GenericRecord.class))
                .isInstanceOf(KeyTypeMismatchException.class).hasMessageContaining("its keys are Long, not Integer");
        assertThatThrownBy(() -> analytics.subscriber(avroAccounts, SubscriberOptions.named("typed")))
                .isInstanceOf(KeyTypeMismatchException.class)
                .hasMessageContaining("Fix: client.subscriber(PortAddress.parse(\"" + avroAccounts + "\"), options,"
                        + " Long.class, GenericRecord.class).");
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "typed-" + mesh.uniqueTopic("b"));
        assertThatThrownBy(() -> builder.table(avroAccounts)).isInstanceOf(KeyTypeMismatchException.class)
                .hasMessageContaining("Fix: builder.table(PortAddress.parse(\"" + avroAccounts + "\"), PortConsumed.as(\""
                        + "customers-" + avroAccounts.product() + "-avro-accounts-v1\").withKeyType(Long.class)).");
        assertThat(builder.keyType(avroAccounts)).isEqualTo(Long.class);
        // a key the reader sees hashed is a String, whatever the field's type
        assertThat(builder.keyType(privateAccounts)).isEqualTo(String.class);
        assertThatThrownBy(() -> builder.stream(privateAccounts, PortConsumed.as("private").withKeyType(Long.class)))
                .isInstanceOf(KeyTypeMismatchException.class)
                .hasMessageContaining("which domain 'analytics' may not see in clear: it sees the keys hashed, so they"
                        + " are String (the hash in hex), not Long");
    }

    @Test
    void longKeysArePublishedReadAndJoinedAsLongsInTheirPortsFormat(TestMesh mesh) {
        DataProduct product = accounts(mesh);
        customers.provision(product);
        PortAddress textAccounts = product.address(product.outputPort("text-accounts"));
        PortAddress avroAccounts = product.address(product.outputPort("avro-accounts"));
        PortAddress transfers = product.address(product.outputPort("transfers"));
        PortAddress privateAccounts = product.address(product.outputPort("private-accounts"));
        PortAddress textBalances = product.address(product.outputPort("text-balances"));
        for (PortAddress port : List.of(textAccounts, avroAccounts, privateAccounts, textBalances)) {
            try (PortPublisher<Long, GenericRecord> publisher = customers.publisher(port, Long.class, GenericRecord.class)) {
                for (long n = 1; n <= ACCOUNTS; n++) {
                    GenericRecord account = new GenericData.Record(port == privateAccounts ? PRIVATE_ACCOUNT : ACCOUNT);
                    account.put("accountNumber", 1000 + n);
                    account.put("holder", "Holder " + n);
                    assertThat(n % 2 == 0 ? publisher.publish(1000 + n, account) : publisher.publish(account))
                            .matches(result -> result.isPublished(), "published");
                }
            }
        }
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(transfers)) {
            for (int i = 0; i < TRANSFERS; i++) {
                GenericRecord transfer = new GenericData.Record(TRANSFER);
                transfer.put("transferId", "t-" + i);
                transfer.put("accountNumber", 1001L + i % ACCOUNTS);
                transfer.put("amount", 1.0 + i);
                publisher.publishAsync(transfer);
            }
            publisher.flush();
        }

        // on the wire: a STRING key is the number in decimal, an AVRO key the long in Confluent's wire format
        assertThat(Topics.readAllRaw(mesh, textAccounts.topic(), ACCOUNTS)).extracting(r -> new String(r.key(),
                StandardCharsets.UTF_8)).containsExactlyInAnyOrder(numbers().stream().map(String::valueOf).toArray(String[]::new));
        AvroSerializer<Object> confluentKeys = new AvroSerializer<>(analytics.registry(),
                Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false), true);
        for (ConsumerRecord<byte[], byte[]> record : Topics.readAllRaw(mesh, avroAccounts.topic(), ACCOUNTS)) {
            assertThat(numbers()).anySatisfy(n -> assertThat(record.key())
                    .isEqualTo(confluentKeys.serialize(avroAccounts.topic(), n)));
        }

        // a subscriber reads Longs, from either format
        for (PortAddress port : List.of(textAccounts, avroAccounts)) {
            List<PortMessage<Long, GenericRecord>> received = new ArrayList<>();
            try (PortSubscriber<Long, GenericRecord> subscriber = analytics.subscriber(port,
                    SubscriberOptions.named("typed-" + mesh.uniqueTopic("s")), Long.class, GenericRecord.class)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    subscriber.poll(Duration.ofMillis(200), received::add);
                    return received.size() >= ACCOUNTS;
                });
            }
            assertThat(received).extracting(PortMessage::key).containsExactlyInAnyOrderElementsOf(numbers());
            assertThat(received).allSatisfy(m -> assertThat(m.key()).isEqualTo(m.value().get("accountNumber")));
        }

        // a topology: transfers re-keyed by their long account number join the Avro-keyed Long table; the hashed
        // port's keys are Strings
        Map<String, Long> joined = new ConcurrentHashMap<>();
        Map<String, String> hashed = new ConcurrentHashMap<>();
        Map<Long, String> windowed = new ConcurrentHashMap<>();
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "typed-" + mesh.uniqueTopic("j"));
        KTable<Long, GenericRecord> accountTable = builder.table(avroAccounts,
                PortConsumed.as("accounts").withKeyType(Long.class));
        builder.join(builder.stream(transfers), accountTable, AvroKeyJoinsIT::pair,
                        PortJoined.as("transfers-with-accounts").withRekeyByField("accountNumber"))
                .foreach((Long key, GenericRecord value) -> joined.put(value.get("left").toString(), key),
                        Named.as("collect"));
        // a stream-stream join of Long keys whose left side the builder does not know (filtered): its window stores
        // take the right side's key serde
        builder.join(builder.stream(textAccounts, PortConsumed.as("text-accounts").withKeyType(Long.class))
                                .filter((key, account) -> true, Named.as("accounts-filter")),
                        builder.stream(textBalances, PortConsumed.as("balances").withKeyType(Long.class)),
                        AvroKeyJoinsIT::pair, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMinutes(10)),
                        PortJoined.as("accounts-with-balances"))
                .foreach((Long key, GenericRecord value) -> windowed.put(key, value.get("left").toString()),
                        Named.as("collect-windowed"));
        builder.stream(privateAccounts, PortConsumed.as("private"))
                .foreach((String key, GenericRecord value) -> hashed.put(key, value.get("accountNumber").toString()),
                        Named.as("collect-hashed"));
        try (KafkaStreams streams = builder.build().start(Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1))) {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(joined).hasSize(TRANSFERS);
                assertThat(hashed).hasSize(ACCOUNTS);
                assertThat(windowed).hasSize(ACCOUNTS);
            });
        }
        Map<String, Long> reference = new HashMap<>();
        for (int i = 0; i < TRANSFERS; i++) {
            reference.put("t-" + i, 1001L + i % ACCOUNTS);
        }
        assertThat(joined).isEqualTo(reference);
        windowed.forEach((key, accountNumber) -> assertThat(accountNumber).isEqualTo(key.toString()));
        // the hashed key is the hashed field: they still join
        hashed.forEach((key, field) -> assertThat(key).isEqualTo(field).matches("[0-9a-f]{64}"));
    }

    static List<Long> numbers() {
        List<Long> numbers = new ArrayList<>();
        for (long n = 1; n <= ACCOUNTS; n++) {
            numbers.add(1000 + n);
        }
        return numbers;
    }
}
