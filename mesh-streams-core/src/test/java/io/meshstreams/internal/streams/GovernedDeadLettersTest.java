package io.meshstreams.internal.streams;

import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.registry.SchemaRegistryException;
import io.meshstreams.serde.SchemaUnavailableException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GovernedDeadLettersTest {
    static final byte[] CLEAR_KEY = "c-7".getBytes(StandardCharsets.UTF_8);
    static final byte[] CLEAR_VALUE = "customer7@example.com".getBytes(StandardCharsets.UTF_8);

    private static GovernedDeadLetters handlers() {
        GovernedDeadLetters handlers = new GovernedDeadLetters();
        handlers.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "analytics.dead-letter",
                GovernedDeadLetters.MASKED_TOPICS_CONFIG, "customers.profiles.profiles.v1, orders.orders.placed.v1"));
        return handlers;
    }

    @Test
    void aRecordOfAMaskedPortGoesToTheDeadLettersWithoutItsBytesButWithWhereItIs() {
        ProcessingExceptionHandler.Response response = handlers().handleError(context("customers.profiles.profiles.v1"),
                new Record<>("hashed", "masked", 0L), new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("analytics.dead-letter");
            assertThat(record.key()).isNull();
            assertThat(record.value()).isNull();
            assertThat(header(record, GovernedDeadLetters.PAYLOAD_HEADER)).isEqualTo("omitted-classified");
            assertThat(header(record, "__streams.errors.topic")).isEqualTo("customers.profiles.profiles.v1");
            assertThat(header(record, "__streams.errors.partition")).isEqualTo("2");
            assertThat(header(record, "__streams.errors.offset")).isEqualTo("41");
            assertThat(header(record, "__streams.errors.exception")).isEqualTo(IllegalStateException.class.getName());
            assertThat(header(record, "__streams.errors.message")).isEqualTo("boom");
            assertThat(header(record, "mesh")).isEqualTo("1.0;3;customers"); // the source record's own headers
        });
    }

    @Test
    void aRecordOfATopicTheTopologyWroteItselfKeepsItsBytes() {
        var response = handlers().handleError(context("analytics.app-join-repartition"),
                new Record<>("hashed", "masked", 0L), new IllegalStateException("boom"));

        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(CLEAR_KEY);
            assertThat(record.value()).isEqualTo(CLEAR_VALUE);
            assertThat(record.headers().lastHeader(GovernedDeadLetters.PAYLOAD_HEADER)).isNull();
        });
    }

    @Test
    void withoutADeadLetterTopicNothingIsSentAndProcessingGoesOn() {
        GovernedDeadLetters handlers = new GovernedDeadLetters();
        handlers.configure(Map.of());
        var response = handlers.handleError(context("customers.profiles.profiles.v1"),
                new Record<>("k", "v", 0L), new IllegalStateException("boom"));
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aFailedWriteFailsTheTaskUnlessKafkaCanRetryIt() {
        var fatal = handlers().handleError(context("customers.profiles.profiles.v1"),
                new ProducerRecord<>("out", new byte[0]), new org.apache.kafka.common.errors.RecordTooLargeException());
        var retriable = handlers().handleError(context("customers.profiles.profiles.v1"),
                new ProducerRecord<>("out", new byte[0]), new org.apache.kafka.common.errors.TimeoutException());
        assertThat(fatal.result().name()).isEqualTo("FAIL");
        assertThat(fatal.deadLetterQueueRecords()).singleElement().satisfies(record -> assertThat(record.value()).isNull());
        assertThat(retriable.result().name()).isEqualTo("RETRY");
    }

    /** A record whose schema the registry could not be asked for, as the deserializer reports it. */
    private static SchemaUnavailableException outage() {
        return new SchemaUnavailableException("Cannot deserialize the value of a record from topic 't' yet: ...", "t", 7,
                false, List.of("http://127.0.0.1:1"), new RegistryUnavailableException("The schema registry did not "
                + "answer GET /schemas/ids/7", SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE,
                null));
    }

    @Test
    void aRecordWhoseSchemaTheRegistryCouldNotBeAskedForFailsTheThreadAndIsNeverADeadLetter() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("customers.profiles.profiles.v1", 2, 41, CLEAR_KEY,
                CLEAR_VALUE);

        DeserializationExceptionHandler.Response read = handlers().handleError(context("customers.profiles.profiles.v1"),
                record, outage());
        ProcessingExceptionHandler.Response processed = handlers().handleError(context("orders.orders.placed.v1"),
                new Record<>("k", "v", 0L), new StreamsException("wrapped", outage()));
        ProductionExceptionHandler.Response written = handlers().handleSerializationError(context("out"),
                new ProducerRecord<>("out", new byte[0]), new SerializationException("could not register",
                        new RegistryUnavailableException("down", 503, 50301, null)),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(read.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(read.deadLetterQueueRecords()).isEmpty();
        assertThat(processed.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(processed.deadLetterQueueRecords()).isEmpty();
        assertThat(written.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(written.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void bytesThatCanNeverDecodeStillGoToTheDeadLetters() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders.orders.placed.v1", 2, 41, CLEAR_KEY,
                CLEAR_VALUE);

        DeserializationExceptionHandler.Response read = handlers().handleError(context("orders.orders.placed.v1"),
                record, new SerializationException("it starts with byte 0x7b where Confluent's wire format has 0x00"));

        assertThat(read.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(read.deadLetterQueueRecords()).hasSize(1);
    }

    private static @Nullable String header(ProducerRecord<byte[], byte[]> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static ErrorHandlerContext context(String topic) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("mesh", "1.0;3;customers".getBytes(StandardCharsets.UTF_8));
        return new ErrorHandlerContext() {
            public String topic() { return topic; }
            public int partition() { return 2; }
            public long offset() { return 41; }
            public org.apache.kafka.common.header.Headers headers() { return headers; }
            public String processorNodeId() { return "failing-peek"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 1_700_000_000_000L; }
            public byte[] sourceRawKey() { return CLEAR_KEY; }
            public byte[] sourceRawValue() { return CLEAR_VALUE; }
        };
    }
}
