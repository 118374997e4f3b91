package io.meshstreams.serde;

import static io.meshstreams.serde.Orders.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way bytes can fail to be a record gives a {@link SerializationException} that says which way,
 * the topic, the schema id where known and what to do; never an NPE or an index exception. Writer
 * schema id 1 is {@link Orders#V1}.
 */
class AvroDeserializerBadInputTest {
    private static final String PREFIX = "Cannot deserialize the value of a record from topic '" + TOPIC + "': ";
    private static final String FIX_FORMAT = "Fix: read this topic with the deserializer that matches its producer's "
            + "serializer, or have the producer use a schema registry Avro serializer (mesh-streams' AvroSerializer or "
            + "Confluent's KafkaAvroSerializer).";
    private static final String FIX_PAYLOAD = "Fix: find the producer that wrote it and check that it uses a schema "
            + "registry Avro serializer with the same registry as this consumer; route such records to the quarantine "
            + "topic rather than retrying them.";

    private static StubRegistry registry;
    private static SchemaRegistryClient client;
    private static AvroDeserializer<GenericRecord> deserializer;
    private static byte[] valid;

    @BeforeAll
    static void start() {
        registry = StubRegistry.start();
        client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(), "max.retries", 0));
        valid = new AvroSerializer<GenericRecord>(client).serialize(TOPIC, Orders.v1("o-1", 1250));
        deserializer = new AvroDeserializer<>(client);
    }

    @AfterAll
    static void stop() {
        client.close();
        registry.close();
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("empty array", new byte[0], "it is an empty byte array, but Confluent's wire format needs "
                        + "at least 5 bytes (the magic byte 0 and a 4-byte schema id). Null bytes are a tombstone and read "
                        + "as null; an empty array is not. Fix: have the producer send null for a tombstone, or read this "
                        + "topic with the deserializer that matches its producer's serializer."),
                Arguments.of("one byte", new byte[] {0}, "it is only 1 byte long (00), shorter than the 5-byte header "
                        + "of Confluent's wire format (the magic byte 0 and a 4-byte schema id): the record is truncated or "
                        + "not in that format. " + FIX_FORMAT),
                Arguments.of("four bytes", new byte[] {0, 0, 0, 1}, "it is only 4 bytes long (00 00 00 01), shorter than "
                        + "the 5-byte header of Confluent's wire format (the magic byte 0 and a 4-byte schema id): the "
                        + "record is truncated or not in that format. " + FIX_FORMAT),
                Arguments.of("JSON", "{\"orderId\":\"o-1\"}".getBytes(), "it starts with byte 0x7b ('{') where "
                        + "Confluent's wire format has the magic byte 0x00, so it was not written by a schema registry "
                        + "serializer (it looks like JSON). " + FIX_FORMAT),
                Arguments.of("magic byte 1", new byte[] {1, 0, 0, 0, 1, 6}, "it starts with byte 0x01 where Confluent's "
                        + "wire format has the magic byte 0x00, so it was not written by a schema registry serializer. "
                        + FIX_FORMAT),
                Arguments.of("negative id", header(-5, 0), "its header names schema id -5, but registry ids are never "
                        + "negative: the bytes are corrupt or not in Confluent's wire format. " + FIX_FORMAT),
                Arguments.of("Integer.MIN_VALUE id", header(Integer.MIN_VALUE, 0), "its header names schema id "
                        + "-2147483648, but registry ids are never negative: the bytes are corrupt or not in Confluent's "
                        + "wire format. " + FIX_FORMAT),
                Arguments.of("Integer.MAX_VALUE id", header(Integer.MAX_VALUE, 0), "its header names schema id "
                        + "2147483647, which the schema registry does not know (HTTP 404, error_code 40403). Fix: check "
                        + "that this consumer and the producer use the same schema registry (schema.registry.url); if the "
                        + "id is absurd the bytes are corrupt or not in Confluent's wire format; if the schema was "
                        + "deleted permanently, these records can no longer be read."),
                Arguments.of("unknown id", header(999, 0), "its header names schema id 999, which the schema registry "
                        + "does not know (HTTP 404, error_code 40403). Fix: check that this consumer and the producer use "
                        + "the same schema registry (schema.registry.url); if the id is absurd the bytes are corrupt or "
                        + "not in Confluent's wire format; if the schema was deleted permanently, these records can no "
                        + "longer be read."),
                Arguments.of("header only", header(1), truncated(0, "")),
                Arguments.of("truncated payload", Arrays.copyOf(validBytes(), validBytes().length - 3),
                        truncated(validBytes().length - 8, " (Attempted to read 5 bytes, but only 3 bytes are available)")),
                Arguments.of("trailing bytes", concat(validBytes(), new byte[] {0, 0}), "2 of its " + (validBytes().length - 3)
                        + " payload bytes remain after a whole record was read with writer schema id 1 "
                        + "('com.acme.orders.OrderPlaced'): the bytes are corrupt, or were written with another schema "
                        + "than the id says. " + FIX_PAYLOAD + " (avro.fail.on.trailing.data=false ignores trailing bytes.)"),
                Arguments.of("string claiming 1 GiB", header(1, 0x80, 0x80, 0x80, 0x80, 0x08, 'a'), truncated(6, " (Attempted to read 1073741824 bytes, but only 1 bytes are available)")),
                Arguments.of("negative string length", header(1, 0x01, 'a'), garbage(2, "org.apache.avro.AvroRuntimeException: Malformed data. Length is negative: -1")),
                Arguments.of("array claiming 2^30 items", header(1, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x08), truncated(8, " (Collection claims 1073741824 elements "
                        + "with at least 1 bytes each, but only 0 bytes are available)")),
                Arguments.of("enum index 99", header(1, 0, 0, 0xc6, 0x01, 0), garbage(5, "org.apache.avro.AvroTypeException: Enumeration out of range: "
                        + "must be in [0, 3), but received 99")),
                Arguments.of("varint longer than 10 bytes", header(1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0xff, 0xff, 0x01), garbage(13,
                        "org.apache.avro.InvalidNumberEncodingException: Invalid long encoding")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badBytesSayWhatIsWrongWhereAndWhatToDo(String name, byte[] bytes, String expected) {
        // when
        SerializationException e = catchThrowableOfType(SerializationException.class,
                () -> deserializer.deserialize(TOPIC, bytes));

        // then
        assertThat(e).hasMessage(PREFIX + expected);
    }

    @Test
    void aNullIsATombstoneButTheSameBytesInABufferAreChecked() {
        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
        assertThat(catchThrowableOfType(SerializationException.class,
                () -> deserializer.deserialize(TOPIC, null, ByteBuffer.allocate(0))))
                .hasMessageStartingWith(PREFIX + "it is an empty byte array");
    }

    @Test
    void aPayloadNestedDeeperThanTheStackIsRefusedNotThrownAsAnError() {
        // given: a linked list schema, and a payload that opens a million nested nodes
        String list = "{\"type\":\"record\",\"name\":\"Node\",\"namespace\":\"com.acme.hostile\",\"fields\":"
                + "[{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
        int id = client.register("hostile-value", io.meshstreams.registry.SchemaDefinition.avro(list));
        byte[] bytes = new byte[5 + 1_000_000];
        ByteBuffer.wrap(bytes).put((byte) 0).putInt(id);
        Arrays.fill(bytes, 5, bytes.length, (byte) 2);

        // when
        SerializationException e = catchThrowableOfType(SerializationException.class,
                () -> deserializer.deserialize(TOPIC, bytes));

        // then
        assertThat(e).hasMessage(PREFIX + "its Avro payload (1000000 bytes after the header) does not decode with writer "
                + "schema id " + id + " ('com.acme.hostile.Node'): java.lang.StackOverflowError. The bytes are corrupt, "
                + "or were written with another schema than the id says. " + FIX_PAYLOAD);
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButASerializationException() {
        // given: seeded, so a failure reproduces
        Random random = new Random(20_260_226L);
        int decoded = 0;
        int refused = 0;

        // when
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (i % 2 == 0 && bytes.length >= 5) {
                System.arraycopy(new byte[] {0, 0, 0, 0, 1}, 0, bytes, 0, 5);
            }
            try {
                deserializer.deserialize(TOPIC, bytes);
                decoded++;
            } catch (SerializationException e) {
                assertThat(e.getMessage()).startsWith(PREFIX).contains("Fix: ");
                refused++;
            }
        }

        // then
        assertThat(decoded + refused).isEqualTo(20_000);
        assertThat(refused).isGreaterThan(19_000);
    }

    private static String truncated(int payloadBytes, String detail) {
        return "its Avro payload (" + payloadBytes + " bytes after the header) ended before a whole record was read "
                + "with writer schema id 1 ('com.acme.orders.OrderPlaced')" + detail + ": the record is truncated, or "
                + "was written with another schema than the id says. " + FIX_PAYLOAD;
    }

    private static String garbage(int payloadBytes, String cause) {
        return "its Avro payload (" + payloadBytes + " bytes after the header) does not decode with writer schema id 1 "
                + "('com.acme.orders.OrderPlaced'): " + cause + ". The bytes are corrupt, or were written with another "
                + "schema than the id says. " + FIX_PAYLOAD;
    }

    private static byte[] validBytes() {
        if (valid == null) {
            throw new IllegalStateException("start() has not run");
        }
        return valid;
    }

    private static byte[] header(int id, int... payload) {
        byte[] bytes = new byte[5 + payload.length];
        ByteBuffer.wrap(bytes).put((byte) 0).putInt(id);
        for (int i = 0; i < payload.length; i++) {
            bytes[5 + i] = (byte) payload[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
