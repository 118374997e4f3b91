package io.meshstreams.internal.streams;

import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.serde.SchemaUnavailableException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The exception handlers of a governed topology: failures are logged and sent to the domain's dead-letter topic, as
 * Kafka Streams' log-and-continue handlers do, except that <b>a record read from a port this topology masks keeps its
 * key and value out of the dead-letter record</b>. Kafka Streams' own handlers copy the source record's raw bytes, and
 * for a masked port those are the producer's clear classified values: the reading domain must never hold them. Such
 * a dead-letter record carries the headers only (the source topic, partition and offset, the exception) and
 * {@value #PAYLOAD_HEADER}{@code : omitted-classified}; whoever holds a grant with the clearance re-reads the record
 * from the port at that offset.
 *
 * <p>Deserialization and processing failures resume; production failures fail the task, as Kafka Streams' default,
 * except retriable ones, which are retried.
 *
 * <p><b>A schema registry that could not be asked is never a dead letter.</b> When a failure's cause chain holds a
 * {@link SchemaUnavailableException} (a record's schema could not be fetched) or a
 * {@link RegistryUnavailableException} (e.g. a serializer could not register), the record's bytes are not at fault:
 * every handler answers FAIL with no dead-letter record, so the stream thread stops before that record and its
 * transaction is aborted; {@link RegistryOutageRecovery} replaces the thread once the registry answers.
 */
public final class GovernedDeadLetters implements DeserializationExceptionHandler, ProcessingExceptionHandler,
        ProductionExceptionHandler {
    /** The comma-separated topics whose records this topology masks: their payloads never reach the dead letters. */
    public static final String MASKED_TOPICS_CONFIG = "mesh.dead-letter.masked-topics";
    /** Set to {@code omitted-classified} on a dead-letter record whose key and value were left out. */
    public static final String PAYLOAD_HEADER = "mesh.dead-letter.payload";
    static final String OMITTED = "omitted-classified";
    // The header names Kafka Streams' own dead-letter records use, so that tools reading them read ours too.
    static final String EXCEPTION_HEADER = "__streams.errors.exception";
    static final String MESSAGE_HEADER = "__streams.errors.message";
    static final String STACKTRACE_HEADER = "__streams.errors.stacktrace";
    static final String TOPIC_HEADER = "__streams.errors.topic";
    static final String PARTITION_HEADER = "__streams.errors.partition";
    static final String OFFSET_HEADER = "__streams.errors.offset";

    private static final Logger log = LoggerFactory.getLogger(GovernedDeadLetters.class);

    private @Nullable String deadLetterTopic;
    private Set<String> maskedTopics = Set.of();

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
        Object masked = configs.get(MASKED_TOPICS_CONFIG);
        maskedTopics = masked == null ? Set.of() : Arrays.stream(masked.toString().split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (registryOutage(exception)) {
            log.warn("Could not decode the record at {}-{}@{} (task {}) yet: the schema registry could not be asked for "
                    + "its schema. Not skipped, not dead-lettered: the stream thread stops before it and goes on from "
                    + "it once the registry answers", record.topic(), record.partition(), record.offset(),
                    context.taskId());
            return DeserializationExceptionHandler.Response.fail();
        }
        log.warn("Could not decode the record at {}-{}@{} (task {}); sent to {} and skipped", record.topic(),
                record.partition(), record.offset(), context.taskId(), deadLetterTopic, exception);
        return DeserializationExceptionHandler.Response.resume(deadLetters(context, exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (registryOutage(exception)) {
            log.warn("Processor {} could not go on with the record from {}-{}@{} (task {}): the schema registry could "
                    + "not be asked. Not skipped, not dead-lettered: the stream thread stops before it and goes on from "
                    + "it once the registry answers", context.processorNodeId(), context.topic(), context.partition(),
                    context.offset(), context.taskId());
            return ProcessingExceptionHandler.Response.fail();
        }
        log.warn("Processor {} failed on the record from {}-{}@{} (task {}); sent to {} and skipped",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(), context.taskId(),
                deadLetterTopic, exception);
        return ProcessingExceptionHandler.Response.resume(deadLetters(context, exception));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandler.Response.retry();
        }
        if (registryOutage(exception)) {
            return ProductionExceptionHandler.Response.fail();
        }
        return ProductionExceptionHandler.Response.fail(deadLetters(context, exception));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
                                                                        ProducerRecord record, Exception exception,
                                                                        SerializationExceptionOrigin origin) {
        if (registryOutage(exception)) {
            return ProductionExceptionHandler.Response.fail();
        }
        return ProductionExceptionHandler.Response.fail(deadLetters(context, exception));
    }

    /** True if the failure comes from a schema registry that could not be asked, not from the record. */
    static boolean registryOutage(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t instanceof SchemaUnavailableException || t instanceof RegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetters(ErrorHandlerContext context, Exception exception) {
        if (deadLetterTopic == null) {
            return List.of();
        }
        return List.of(deadLetter(deadLetterTopic, context, exception));
    }

    /** The dead-letter record of a failure, without key and value if the source topic is masked. */
    ProducerRecord<byte[], byte[]> deadLetter(String topic, ErrorHandlerContext context, Exception exception) {
        // A record from an internal topic (repartition, changelog) was written by this topology, masked already.
        boolean omit = context.topic() == null || maskedTopics.contains(context.topic());
        ProducerRecord<byte[], byte[]> deadLetter = new ProducerRecord<>(topic, null, context.timestamp(),
                omit ? null : context.sourceRawKey(), omit ? null : context.sourceRawValue());
        Headers headers = deadLetter.headers();
        if (context.headers() != null) {
            for (Header header : context.headers()) {
                headers.add(header);
            }
        }
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        add(headers, EXCEPTION_HEADER, exception.getClass().getName());
        add(headers, MESSAGE_HEADER, exception.getMessage());
        add(headers, STACKTRACE_HEADER, trace.toString());
        add(headers, TOPIC_HEADER, context.topic());
        add(headers, PARTITION_HEADER, Integer.toString(context.partition()));
        add(headers, OFFSET_HEADER, Long.toString(context.offset()));
        if (omit) {
            add(headers, PAYLOAD_HEADER, OMITTED);
        }
        return deadLetter;
    }

    private static void add(Headers headers, String key, @Nullable String value) {
        headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
