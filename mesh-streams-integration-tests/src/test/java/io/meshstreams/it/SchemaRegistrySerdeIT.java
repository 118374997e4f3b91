package io.meshstreams.it;

import io.meshstreams.it.avro.Customer;
import io.meshstreams.local.registry.SchemaRegistryServer;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.serde.AvroSerde;
import io.meshstreams.serde.AvroSerializer;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** The registry client, the serde and the registry server together, over real sockets, against a real broker. */
@MeshTest
class SchemaRegistrySerdeIT {
    static final Schema CUSTOMER_V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "Customer", "namespace": "io.meshstreams.it.avro",
             "fields": [
               {"name": "customerId", "type": "string"},
               {"name": "name", "type": "string"},
               {"name": "email", "type": "string"}]}
            """);

    static SchemaRegistryClient registry;

    @BeforeAll
    static void client(TestMesh mesh) {
        registry = SchemaRegistryClient.create(mesh.clientConfig());
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    @Test
    void genericRecordsRoundTripThroughKafkaInConfluentsWireFormat(TestMesh mesh) throws Exception {
        String topic = topic(mesh, "generic");
        GenericRecord alice = customerV1("c-1", "Alice", "alice@example.com");

        send(mesh, topic, new AvroSerializer<>(registry), List.of(alice));
        List<GenericRecord> read = read(mesh, topic, new AvroDeserializer<GenericRecord>(registry), 1);

        assertThat(read).containsExactly(alice);
        int id = registry.latestVersion(topic + "-value").id();
        byte[] raw = readRaw(mesh, topic).get(0);
        assertThat(raw[0]).isZero();
        assertThat(((raw[1] & 0xff) << 24) | ((raw[2] & 0xff) << 16) | ((raw[3] & 0xff) << 8) | (raw[4] & 0xff))
                .isEqualTo(id);
    }

    @Test
    void specificRecordsRoundTripAndAnOldWriterIsReadWithTheNewSchema(TestMesh mesh) throws Exception {
        String topic = topic(mesh, "specific");
        Customer bob = Customer.newBuilder().setCustomerId("c-2").setName("Bob").setEmail("bob@example.com")
                .setTier("gold").build();
        // v1 records, written before the schema gained 'tier'
        send(mesh, topic, new AvroSerializer<>(registry), List.of(customerV1("c-1", "Alice", "alice@example.com")));
        // v2 records, written with the generated class
        send(mesh, topic, new AvroSerializer<>(registry), List.of(bob));

        AvroSerde<Customer> serde = AvroSerde.specific(registry, Customer.class);
        List<Customer> read = read(mesh, topic, serde.deserializer(), 2);

        assertThat(registry.versions(topic + "-value")).containsExactly(1, 2);
        assertThat(read).extracting(Customer::getCustomerId, Customer::getTier)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c-1", "standard"),
                        org.assertj.core.groups.Tuple.tuple("c-2", "gold"));
    }

    @Test
    void afterTheFirstRecordOfASchemaTheHotPathMakesNoHttpRequest(TestMesh mesh) throws Exception {
        String topic = topic(mesh, "hot-path");
        try (SchemaRegistryClient fresh = SchemaRegistryClient.create(mesh.clientConfig())) {
            AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(fresh);
            AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>(fresh);
            byte[] first = serializer.serialize(topic, customerV1("c-0", "Zoe", "zoe@example.com"));
            deserializer.deserialize(topic, first);
            long clientRequests = fresh.requestCount();
            long serverRequests = mesh.embeddedRegistry().isPresent() ? serverRequests(mesh) : -1;

            List<GenericRecord> records = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                records.add(customerV1("c-" + i, "Name " + i, i + "@example.com"));
            }
            send(mesh, topic, serializer, records);
            List<GenericRecord> read = read(mesh, topic, deserializer, 10_000);

            assertThat(read).hasSize(10_000);
            assertThat(fresh.requestCount()).as("HTTP requests by the client after the first record")
                    .isEqualTo(clientRequests);
            if (serverRequests >= 0) {
                assertThat(serverRequests(mesh)).as("requests served by the registry").isEqualTo(serverRequests);
            }
        }
    }

    @Test
    void aRestartedRegistryKnowsEverySubjectVersionAndId(TestMesh mesh) throws Exception {
        String storeTopic = "_schemas-restart-" + UUID.randomUUID();
        String topic = topic(mesh, "restart");
        int id;
        byte[] written;
        try (SchemaRegistryServer server = SchemaRegistryServer.builder().bootstrapServers(mesh.bootstrapServers())
                .topic(storeTopic).start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", server.url()))) {
            id = client.register(topic + "-value", SchemaDefinition.avro(CUSTOMER_V1));
            written = new AvroSerializer<GenericRecord>(client).serialize(topic, customerV1("c-9", "Ivy", "ivy@example.com"));
        }

        try (SchemaRegistryServer restarted = SchemaRegistryServer.builder().bootstrapServers(mesh.bootstrapServers())
                .topic(storeTopic).start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", restarted.url()))) {
            assertThat(client.subjects()).containsExactly(topic + "-value");
            assertThat(client.latestVersion(topic + "-value").id()).isEqualTo(id);
            assertThat(client.register(topic + "-value", SchemaDefinition.avro(CUSTOMER_V1))).isEqualTo(id);
            GenericRecord read = new AvroDeserializer<GenericRecord>(client).deserialize(topic, written);
            assertThat(read.get("name")).hasToString("Ivy");
        }
    }

    @Test
    void badBytesOnATopicGiveAnErrorThatSaysWhatAndWhereAndTheConsumerCanMoveOn(TestMesh mesh) throws Exception {
        String topic = topic(mesh, "poison");
        GenericRecord good = customerV1("c-1", "Alice", "alice@example.com");
        byte[] valid = new AvroSerializer<GenericRecord>(registry).serialize(topic, good);
        byte[] unknownId = valid.clone();
        unknownId[1] = 0x7f;
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 3);
        List<byte[]> payloads = List.of("{\"json\": true}".getBytes(), unknownId, truncated, new byte[0], valid);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(mesh.clientConfig(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] payload : payloads) {
                producer.send(new ProducerRecord<>(topic, payload)).get();
            }
        }

        Map<String, Object> config = consumerConfig(mesh);
        List<String> errors = new ArrayList<>();
        List<GenericRecord> values = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new AvroDeserializer<>(registry))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                } catch (RecordDeserializationException e) {
                    errors.add("offset " + e.offset() + ": " + e.getCause().getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                return values.size() == 1;
            });
        }

        assertThat(values).containsExactly(good);
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).startsWith("offset 0: ").contains("topic '" + topic + "'").contains("magic byte");
        int absurdId = java.nio.ByteBuffer.wrap(unknownId, 1, 4).getInt();
        assertThat(errors.get(1)).startsWith("offset 1: ").contains("schema id " + absurdId).contains(topic);
        assertThat(errors.get(2)).startsWith("offset 2: ").contains(topic);
        assertThat(errors.get(3)).startsWith("offset 3: ").contains(topic);
        Deserializer<GenericRecord> deserializer = new AvroDeserializer<>(registry);
        assertThat(catchThrowableOfType(SerializationException.class,
                () -> deserializer.deserialize(topic, new byte[] {1, 0, 0, 0, 1, 2}))).hasMessageContaining("magic byte");
        assertThat(deserializer.deserialize(topic, null)).as("a tombstone").isNull();
    }

    private static long serverRequests(TestMesh mesh) {
        return mesh.embeddedRegistry().orElseThrow().requestCount();
    }

    static GenericRecord customerV1(String id, String name, String email) {
        GenericRecord record = new GenericData.Record(CUSTOMER_V1);
        record.put("customerId", id);
        record.put("name", name);
        record.put("email", email);
        return record;
    }

    static String topic(TestMesh mesh, String prefix) throws Exception {
        String topic = mesh.uniqueTopic(prefix);
        // one partition, so that records are read in the order they were written
        mesh.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        return topic;
    }

    static <T> void send(TestMesh mesh, String topic, org.apache.kafka.common.serialization.Serializer<T> serializer,
                         List<T> values) throws Exception {
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(mesh.clientConfig(), new StringSerializer(), serializer)) {
            for (T value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    static <T> List<T> read(TestMesh mesh, String topic, Deserializer<T> deserializer, int expected) {
        List<T> values = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(consumerConfig(mesh), new StringDeserializer(),
                deserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
            });
        }
        return values;
    }

    static List<byte[]> readRaw(TestMesh mesh, String topic) {
        return read(mesh, topic, (t, data) -> data, 1);
    }

    static Map<String, Object> consumerConfig(TestMesh mesh) {
        Map<String, Object> config = mesh.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

}
