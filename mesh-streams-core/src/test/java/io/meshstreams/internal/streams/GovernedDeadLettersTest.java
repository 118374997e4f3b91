package io.meshstreams.internal.streams;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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
