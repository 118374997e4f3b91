package io.meshstreams.serde;

import static io.meshstreams.serde.Orders.SUBJECT;
import static io.meshstreams.serde.Orders.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.orders.OrderPlaced;
import io.meshstreams.registry.IncompatibleSchemaException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips through a stub registry: the wire format, caching, schema evolution, configuration. */
class AvroSerdeRoundTripTest {
    private StubRegistry registry;
    private SchemaRegistryClient producerRegistry;
    private SchemaRegistryClient consumerRegistry;

    @BeforeEach
    void start() {
        registry = StubRegistry.start();
        producerRegistry = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()));
        consumerRegistry = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()));
    }

    @AfterEach
    void stop() {
        producerRegistry.close();
        consumerRegistry.close();
        registry.close();
    }

    @Test
    void aGenericRecordIsWrittenAsMagicByteIdAndPlainAvroBinaryAndReadBack() throws IOException {
        // given
        GenericRecord order = Orders.v1("o-1", 1250);
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(producerRegistry);

        // when
        byte[] bytes = serializer.serialize(TOPIC, order);
        GenericRecord read = new AvroDeserializer<GenericRecord>(consumerRegistry).deserialize(TOPIC, bytes);

        // then
        byte[] avro = avroBinary(Orders.V1, order);
        byte[] expected = new byte[5 + avro.length];
        expected[4] = 1;
        System.arraycopy(avro, 0, expected, 5, avro.length);
        assertThat(bytes).isEqualTo(expected);
        assertThat(read).isEqualTo(order);
        assertThat(registry.requestLines()).containsExactly("POST /subjects/" + SUBJECT + "/versions", "GET /schemas/ids/1");
    }

    @Test
    void aSpecificRecordRoundTripsThroughTheStreamsSerde() {
        // given
        AvroSerde<OrderPlaced> serde = AvroSerde.specific(producerRegistry, OrderPlaced.class);
        OrderPlaced order = Orders.specific("o-2", 990);

        // when
        byte[] bytes = serde.serializer().serialize(TOPIC, new RecordHeaders(), order);
        OrderPlaced read = serde.deserializer().deserialize(TOPIC, new RecordHeaders(), bytes);

        // then
        assertThat(read).isInstanceOf(OrderPlaced.class).isEqualTo(order);
    }

    static Stream<Arguments> primitives() {
        return Stream.of(
                Arguments.of("text", new Utf8("text"), "string"),
                Arguments.of(42, 42, "int"),
                Arguments.of(42L, 42L, "long"),
                Arguments.of(true, true, "boolean"),
                Arguments.of(1.5d, 1.5d, "double"),
                Arguments.of(2.5f, 2.5f, "float"),
                Arguments.of(new byte[] {1, 2}, ByteBuffer.wrap(new byte[] {1, 2}), "bytes"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("primitives")
    void avroPrimitivesAreKeysWithTheirPrimitiveSchema(Object key, Object expected, String schemaType) {
        // given
        AvroSerde<Object> serde = AvroSerde.create(producerRegistry, Map.of(), true);

        // when
        byte[] bytes = serde.serializer().serialize(TOPIC, key);

        // then
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(expected);
        assertThat(registry.requestLines()).containsExactly("POST /subjects/" + TOPIC + "-key/versions");
        assertThat(StubRegistry.json(registry.requests().get(0).body()).get("schema").asText())
                .isEqualTo("\"" + schemaType + "\"");
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<GenericRecord> serde = AvroSerde.generic(producerRegistry);

        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.serializer().serialize(TOPIC, new RecordHeaders(), null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, new RecordHeaders(), (byte[]) null)).isNull();
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void afterTheFirstRecordOfASchemaNeitherSideMakesAnHttpRequest() {
        // given
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(producerRegistry);
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>(consumerRegistry);
        String otherTopic = "orders.order-events.paid.v1";
        deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, Orders.v1("o-0", 1)));
        deserializer.deserialize(otherTopic, serializer.serialize(otherTopic, Orders.v2("o-0", 1, "EUR")));
        long producerRequests = producerRegistry.requestCount();
        long consumerRequests = consumerRegistry.requestCount();

        // when
        for (int i = 0; i < 10_000; i++) {
            GenericRecord order = i % 2 == 0 ? Orders.v1("o-" + i, i) : Orders.v2("o-" + i, i, "EUR");
            String topic = i % 3 == 0 ? TOPIC : otherTopic;
            assertThat(deserializer.deserialize(topic, serializer.serialize(topic, order))).isEqualTo(order);
        }

        // then
        assertThat(producerRequests).isEqualTo(2);
        assertThat(consumerRequests).isEqualTo(2);
        assertThat(producerRegistry.requestCount()).isEqualTo(4);
        assertThat(consumerRegistry.requestCount()).isEqualTo(2);
        assertThat(registry.requestLines()).containsExactlyInAnyOrder(
                "POST /subjects/" + SUBJECT + "/versions",
                "POST /subjects/" + otherTopic + "-value/versions",
                "POST /subjects/" + SUBJECT + "/versions",
                "POST /subjects/" + otherTopic + "-value/versions",
                "GET /schemas/ids/1", "GET /schemas/ids/2");
    }

    @Test
    void aSpecificReaderOnV2ReadsRecordsWrittenWithV1AndFillsTheDefault() {
        // given
        byte[] v1Bytes = new AvroSerializer<GenericRecord>(producerRegistry).serialize(TOPIC, Orders.v1("o-3", 700));
        AvroDeserializer<OrderPlaced> deserializer = new AvroDeserializer<>(consumerRegistry,
                Map.of("specific.avro.reader", true, "specific.avro.value.type", OrderPlaced.class.getName()), false);

        // when
        OrderPlaced read = deserializer.deserialize(TOPIC, v1Bytes);

        // then
        assertThat(read.getOrderId()).isEqualTo("o-3");
        assertThat(read.getAmountCents()).isEqualTo(700);
        assertThat(read.getLines()).containsExactly("sku-1", "sku-2");
        assertThat(read.getCurrency()).isEqualTo("EUR");
    }

    @Test
    void aSpecificReaderWithoutAConfiguredTypeFindsTheClassNamedLikeTheWriterSchema() {
        // given
        AvroSerdeConfig trusting = new AvroSerdeConfig(Map.of("mesh.avro.trusted.packages", "com.acme.orders"));
        byte[] v1Bytes = new AvroSerializer<GenericRecord>(producerRegistry).serialize(TOPIC, Orders.v1("o-4", 1));
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>(consumerRegistry,
                Map.of("specific.avro.reader", "true", "mesh.avro.trusted.packages", "com.acme.orders"), false);

        // when
        Object read = deserializer.deserialize(TOPIC, v1Bytes);

        // then
        assertThat(trusting.getList("mesh.avro.trusted.packages")).containsExactly("com.acme.orders");
        assertThat(read).isInstanceOf(OrderPlaced.class);
        assertThat(((OrderPlaced) read).getCurrency()).isEqualTo("EUR");
    }

    @Test
    void aGenericReaderResolvesV1RecordsToAReaderSchemaGivenInCode() {
        // given
        byte[] v1Bytes = new AvroSerializer<GenericRecord>(producerRegistry).serialize(TOPIC, Orders.v1("o-5", 5));

        // when
        GenericRecord read = AvroSerde.generic(consumerRegistry, Orders.V2).deserializer().deserialize(TOPIC, v1Bytes);

        // then
        assertThat(read.getSchema()).isEqualTo(Orders.V2);
        assertThat(read.get("currency")).hasToString("EUR");
        assertThat(read.get("orderId")).hasToString("o-5");
    }

    @Test
    void useLatestVersionOnTheDeserializerReadsOldRecordsWithTheSubjectsLatestSchema() {
        // given
        byte[] v1Bytes = new AvroSerializer<GenericRecord>(producerRegistry).serialize(TOPIC, Orders.v1("o-6", 6));
        producerRegistry.register(SUBJECT, SchemaDefinition.avro(Orders.V2));
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>(consumerRegistry,
                Map.of("use.latest.version", true), false);

        // when
        GenericRecord read = deserializer.deserialize(TOPIC, v1Bytes);
        deserializer.deserialize(TOPIC, v1Bytes);

        // then
        assertThat(read.getSchema()).isEqualTo(Orders.V2);
        assertThat(read.get("currency")).hasToString("EUR");
        assertThat(registry.requestLines()).containsExactly(
                "POST /subjects/" + SUBJECT + "/versions", "POST /subjects/" + SUBJECT + "/versions",
                "GET /schemas/ids/1", "GET /subjects/" + SUBJECT + "/versions/latest");
    }

    @Test
    void aReaderSchemaThatCannotReadTheWriterSchemaIsReportedWithTheIncompatibilities() {
        // given
        Schema unreadable = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":"
                + "\"com.acme.orders\",\"fields\":[{\"name\":\"customer\",\"type\":\"string\"}]}");
        byte[] v1Bytes = new AvroSerializer<GenericRecord>(producerRegistry).serialize(TOPIC, Orders.v1("o-7", 7));

        // then
        assertThatThrownBy(() -> new AvroDeserializer<GenericRecord>(consumerRegistry, unreadable).deserialize(TOPIC, v1Bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Cannot deserialize the value of a record from topic '" + TOPIC + "': records written with "
                        + "schema id 1 ('com.acme.orders.OrderPlaced') cannot be read with the reader schema "
                        + "'com.acme.orders.OrderPlaced' from the schema given in code: READER_FIELD_MISSING_DEFAULT_VALUE "
                        + "at /fields/0: customer. Fix: use a reader schema that can read this writer schema (e.g. give "
                        + "added fields defaults), or read with the writer's schema.");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsAnErrorAndARegisteredOneIsLookedUp() {
        // given
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(producerRegistry,
                Map.of("auto.register.schemas", false), false);

        // then
        assertThatThrownBy(() -> serializer.serialize(TOPIC, Orders.v1("o-8", 8)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Cannot serialize the value for topic '" + TOPIC + "' with schema 'com.acme.orders.OrderPlaced': "
                        + "the schema is not registered under subject '" + SUBJECT + "' and auto.register.schemas=false "
                        + "(HTTP 404, error_code 40401). Fix: register the schema under subject '" + SUBJECT + "' first "
                        + "(e.g. in CI), or set auto.register.schemas=true.");

        // when
        int id = consumerRegistry.register(SUBJECT, SchemaDefinition.avro(Orders.V1));
        byte[] bytes = serializer.serialize(TOPIC, Orders.v1("o-8", 8));

        // then
        assertThat(bytes[4]).isEqualTo((byte) id);
        assertThat(registry.requestLines()).containsExactly("POST /subjects/" + SUBJECT,
                "POST /subjects/" + SUBJECT + "/versions", "POST /subjects/" + SUBJECT);
    }

    @Test
    void useLatestVersionOnTheSerializerWritesWithTheLatestIdOnlyIfItIsTheRecordsSchema() {
        // given
        producerRegistry.register(SUBJECT, SchemaDefinition.avro(Orders.V1));
        int latest = producerRegistry.register(SUBJECT, SchemaDefinition.avro(Orders.V2));
        AvroSerializer<Object> serializer = new AvroSerializer<>(consumerRegistry,
                Map.of("use.latest.version", true, "auto.register.schemas", false), false);

        // when
        byte[] bytes = serializer.serialize(TOPIC, Orders.specific("o-9", 9));

        // then
        assertThat(bytes[4]).isEqualTo((byte) latest);
        assertThatThrownBy(() -> serializer.serialize(TOPIC, Orders.v1("o-9", 9)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Cannot serialize the value for topic '" + TOPIC + "' with schema "
                        + "'com.acme.orders.OrderPlaced': use.latest.version=true, but the latest schema of subject '"
                        + SUBJECT + "' (version 2, id 2) is not the record's schema. Expected: ")
                .hasMessageEndingWith(". Fix: build records with the subject's latest schema (regenerate the classes), "
                        + "or set use.latest.version=false.");
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithTheRegistrysReasonAndFix() {
        // given: a new required field without a default cannot read v1 records
        producerRegistry.register(SUBJECT, SchemaDefinition.avro(Orders.V1));
        Schema breaking = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":"
                + "\"com.acme.orders\",\"fields\":[{\"name\":\"customer\",\"type\":\"string\"}]}");
        GenericRecord order = new GenericData.Record(breaking);
        order.put("customer", "c-1");
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(consumerRegistry);

        // then
        assertThatThrownBy(() -> serializer.serialize(TOPIC, order))
                .isInstanceOf(SerializationException.class)
                .hasCauseInstanceOf(IncompatibleSchemaException.class)
                .hasMessageStartingWith("Cannot serialize the value for topic '" + TOPIC + "' with schema "
                        + "'com.acme.orders.OrderPlaced': the registry refused to register it under subject '" + SUBJECT
                        + "' as incompatible with earlier versions. The schema registry at ");
    }

    @Test
    void kafkaCanMakeAndConfigureEachClassByReflection() {
        // given
        Map<String, Object> configs = Map.of("schema.registry.url", registry.url());
        AvroSerializer<Object> serializer = new AvroSerializer<>();
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        AvroSerde<Object> serde = new AvroSerde<>();

        // when
        serializer.configure(configs, true);
        deserializer.configure(configs, true);
        serde.configure(configs, false);
        byte[] key = serializer.serialize(TOPIC, "k-1");
        byte[] value = serde.serializer().serialize(TOPIC, Orders.v1("o-11", 11));

        // then
        assertThat(deserializer.deserialize(TOPIC, key)).isEqualTo(new Utf8("k-1"));
        assertThat(serde.deserializer().deserialize(TOPIC, value)).isEqualTo(Orders.v1("o-11", 11));
        assertThat(registry.requestLines()).contains("POST /subjects/" + TOPIC + "-key/versions",
                "POST /subjects/" + SUBJECT + "/versions");
        serializer.close();
        deserializer.close();
        serde.close();
    }

    @Test
    void anUnconfiguredSerializerSaysWhatItNeeds() {
        assertThatThrownBy(() -> new AvroSerializer<>().serialize(TOPIC, "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("This AvroSerializer is not configured: call configure(configs, isKey) with "
                        + "schema.registry.url, or construct it with a SchemaRegistryClient.");
    }

    @Test
    void aValueThatIsNotAvroIsRefusedWithWhatIsAccepted() {
        assertThatThrownBy(() -> new AvroSerializer<Object>(producerRegistry).serialize(TOPIC, List.of(1)))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Cannot serialize the value for topic '" + TOPIC + "': a java.util.ImmutableCollections$List12 "
                        + "is not an Avro value. Fix: pass a GenericRecord, a generated SpecificRecord, or an Avro "
                        + "primitive (String, Integer, Long, Float, Double, Boolean, byte[], ByteBuffer), or use a "
                        + "serializer made for List12.");
    }

    @Test
    void aRecordThatDoesNotMatchItsSchemaSaysWhichFieldAndHowToFixIt() {
        // given
        GenericRecord missingAmount = Orders.v1("o-12", 12);
        missingAmount.put("amountCents", null);

        // then
        assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(producerRegistry).serialize(TOPIC, missingAmount))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Cannot serialize the value for topic '" + TOPIC + "' with schema "
                        + "'com.acme.orders.OrderPlaced' (id 1, subject '" + SUBJECT + "'): ")
                .hasMessageContaining("amountCents")
                .hasMessageEndingWith(". Fix: the value must match its schema: every field without a default set, and "
                        + "each of the type the schema says.");
    }

    @Test
    void recordNameStrategiesNameTheSubjectAfterTheRecord() {
        // given
        AvroSerializer<GenericRecord> byRecord = new AvroSerializer<>(producerRegistry,
                Map.of("value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false);
        AvroSerializer<GenericRecord> byTopicAndRecord = new AvroSerializer<>(producerRegistry,
                Map.of("value.subject.name.strategy", "TopicRecordNameStrategy"), false);

        // when
        byRecord.serialize(TOPIC, Orders.v1("o-13", 13));
        byTopicAndRecord.serialize(TOPIC, Orders.v1("o-13", 13));

        // then
        assertThat(registry.requestLines()).containsExactly("POST /subjects/com.acme.orders.OrderPlaced/versions",
                "POST /subjects/" + TOPIC + "-com.acme.orders.OrderPlaced/versions");
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("key.subject.name.strategy", "ByColour")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value ByColour for configuration key.subject.name.strategy: use one of "
                        + "TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (Confluent's class names in "
                        + "io.confluent.kafka.serializers.subject are accepted too)");
    }

    @Test
    void oneSerializerAndDeserializerServeManyThreads() throws Exception {
        // given
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(producerRegistry);
        AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>(consumerRegistry);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            tasks.add(() -> {
                int checked = 0;
                for (int i = 0; i < 5_000; i++) {
                    GenericRecord order = (i + thread) % 2 == 0 ? Orders.v1("o-" + i, i) : Orders.v2("o-" + i, i, "CHF");
                    String topic = TOPIC + (i % 3);
                    if (!deserializer.deserialize(topic, serializer.serialize(topic, order)).equals(order)) {
                        throw new AssertionError("record " + i + " of thread " + thread + " did not round-trip");
                    }
                    checked++;
                }
                return checked;
            });
        }

        // when
        List<Future<Integer>> results = pool.invokeAll(tasks);
        pool.shutdown();

        // then
        for (Future<Integer> result : results) {
            assertThat(result.get()).isEqualTo(5_000);
        }
    }

    private static byte[] avroBinary(Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema, GenericData.get()).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static String hex(byte[] bytes) {
        return Arrays.toString(bytes);
    }
}
