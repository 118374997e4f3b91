package io.meshstreams.serde;

import static io.meshstreams.serde.Orders.SUBJECT;
import static io.meshstreams.serde.Orders.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.meshstreams.MeshException;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** When the registry is down or answers something a serde cannot use, the serde says so, with the registry's words. */
class AvroSerdeRegistryFailureTest {

    @Test
    void aSerializerWhoseRegistryIsDownSaysWhichSubjectAndWhy() throws IOException {
        String dead = deadUrl();
        try (SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", dead, "max.retries", 0))) {
            // when
            SerializationException e = catchThrowableOfType(SerializationException.class,
                    () -> new AvroSerializer<GenericRecord>(client).serialize(TOPIC, Orders.v1("o-1", 1)));

            // then
            assertThat(e).hasCauseInstanceOf(RegistryUnavailableException.class);
            assertThat(e.getMessage()).startsWith("Cannot serialize the value for topic '" + TOPIC + "' with schema "
                    + "'com.acme.orders.OrderPlaced': the schema registry failed for subject '" + SUBJECT + "': The schema "
                    + "registry did not answer POST /subjects/" + SUBJECT + "/versions after 1 attempt (1 round over ["
                    + dead + "]); last failure: " + dead + ": ConnectException");
        }
    }

    @Test
    void aDeserializerWhoseRegistryIsDownSaysTheRecordIsNotAtFaultNotThatItIsUndecodable() throws IOException {
        String dead = deadUrl();
        try (SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", dead, "max.retries", 0))) {
            // when
            Throwable thrown = catchThrowable(
                    () -> new AvroDeserializer<GenericRecord>(client).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 7, 0}));

            // then: not a SerializationException, which callers may skip or dead-letter
            assertThat(thrown).isNotInstanceOf(SerializationException.class).isInstanceOf(SchemaUnavailableException.class)
                    .isInstanceOf(MeshException.class).hasCauseInstanceOf(RegistryUnavailableException.class);
            SchemaUnavailableException e = (SchemaUnavailableException) thrown;
            assertThat(e.isOutage()).isTrue();
            assertThat(e.topic()).isEqualTo(TOPIC);
            assertThat(e.schemaId()).isEqualTo(7);
            assertThat(e.isKey()).isFalse();
            assertThat(e.registryUrls()).containsExactly(dead);
            assertThat(e.getMessage()).startsWith("Cannot deserialize the value of a record from topic '" + TOPIC
                    + "' yet: the schema registry [" + dead + "] could not be asked for writer schema id 7 (The schema "
                    + "registry did not answer GET /schemas/ids/7 after 1 attempt (1 round over [" + dead + "]); last "
                    + "failure: " + dead + ": ConnectException")
                    .contains("The record may be fine: read it again once the registry answers, and do not skip it");
        }
    }

    @Test
    void aRegistryThatRefusesOtherThanWith404IsNotTheRecordsFaultEither() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            // given
            registry.thenAnswer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");

            // when
            SchemaUnavailableException e = catchThrowableOfType(SchemaUnavailableException.class,
                    () -> new AvroDeserializer<GenericRecord>(client).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 8, 0}));

            // then
            assertThat(e.isOutage()).isFalse();
            assertThat(e.schemaId()).isEqualTo(8);
            assertThat(e.getMessage()).startsWith("Cannot deserialize the value of a record from topic '" + TOPIC
                    + "' yet: the schema registry [" + registry.url() + "] refused to give writer schema id 8 (");
        }
    }

    @Test
    void anIdTheRegistryAnswers404ForIsUndecodable() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            // given: the stub knows no schema 9
            // when
            Throwable thrown = catchThrowable(
                    () -> new AvroDeserializer<GenericRecord>(client).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 9, 0}));

            // then
            assertThat(thrown).isInstanceOf(SerializationException.class).hasCauseInstanceOf(RegistryNotFoundException.class)
                    .hasMessageContaining("its header names schema id 9, which the schema registry does not know");
        }
    }

    @Test
    void anIdOfAnotherSchemaTypeNamesTheTypeAndTheDeserializerToUse() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            // given
            registry.thenAnswer(200, "{\"schema\":\"syntax = \\\"proto3\\\"; message Order {}\",\"schemaType\":\"PROTOBUF\"}");

            // when
            SerializationException e = catchThrowableOfType(SerializationException.class,
                    () -> new AvroDeserializer<GenericRecord>(client).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 5, 0}));

            // then
            assertThat(e).hasMessage("Cannot deserialize the value of a record from topic '" + TOPIC + "': its header "
                    + "names schema id 5, a PROTOBUF schema, but this deserializer reads Avro. Fix: read this topic with "
                    + "a PROTOBUF deserializer.");
        }
    }

    @Test
    void anIdWhoseSchemaIsNotValidAvroSaysSo() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            // given
            registry.thenAnswer(200, "{\"schema\":\"{\\\"type\\\":\\\"recrd\\\"}\"}");

            // when
            SerializationException e = catchThrowableOfType(SerializationException.class,
                    () -> new AvroDeserializer<GenericRecord>(client).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 6, 0}));

            // then
            assertThat(e.getMessage()).startsWith("Cannot deserialize the value of a record from topic '" + TOPIC
                    + "': the registry's schema id 6 is not a valid Avro schema: ")
                    .endsWith(". Fix: check the schema registered under that id.");
        }
    }

    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
