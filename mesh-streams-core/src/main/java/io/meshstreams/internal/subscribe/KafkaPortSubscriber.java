package io.meshstreams.internal.subscribe;

import io.meshstreams.MeshException;
import io.meshstreams.product.PortAddress;
import io.meshstreams.subscribe.OnUndecodable;
import io.meshstreams.subscribe.PortMessage;
import io.meshstreams.subscribe.PortSubscriber;
import io.meshstreams.subscribe.SubscriberStats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link PortSubscriber} over a {@code KafkaConsumer<byte[], byte[]>}: decoding happens here, so a bad record is ours. */
public final class KafkaPortSubscriber<V> implements PortSubscriber<V> {
    private static final Logger log = LoggerFactory.getLogger(KafkaPortSubscriber.class);
    public static final String DEAD_LETTER_REASON = "mesh.dead-letter.reason";
    public static final String DEAD_LETTER_TOPIC = "mesh.dead-letter.topic";
    public static final String DEAD_LETTER_PARTITION = "mesh.dead-letter.partition";
    public static final String DEAD_LETTER_OFFSET = "mesh.dead-letter.offset";
    public static final String DEAD_LETTER_CONSUMER = "mesh.dead-letter.consumer";
    /** Set to {@code omitted-classified} on a dead-letter record whose key and value were left out. */
    public static final String DEAD_LETTER_PAYLOAD = "mesh.dead-letter.payload";

    /** Everything a subscriber needs, resolved by the client. */
    public record Setup<V>(PortAddress address, String consumerDomain, String name, KafkaConsumer<byte[], byte[]> consumer,
                           Deserializer<V> valueDeserializer, Deserializer<?> keyDeserializer, OnUndecodable onUndecodable,
                           @Nullable String deadLetterTopic, @Nullable Supplier<KafkaProducer<byte[], byte[]>> deadLetterProducer,
                           boolean masked, MeterRegistry meters) {
    }

    private final PortAddress address;
    private final String topic;
    private final String consumerName;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<V> valueDeserializer;
    private final Deserializer<?> keyDeserializer;
    private final OnUndecodable onUndecodable;
    private final @Nullable String deadLetterTopic;
    private final @Nullable Supplier<KafkaProducer<byte[], byte[]>> deadLetterProducerFactory;
    private @Nullable KafkaProducer<byte[], byte[]> deadLetterProducer;
    private final boolean masked;
    private final Counter deliveredCounter;
    private final Counter skippedCounter;
    private final Counter deadLetteredCounter;
    private long delivered;
    private long skipped;
    private long deadLettered;

    public KafkaPortSubscriber(Setup<V> setup) {
        this.address = setup.address();
        this.topic = address.topic();
        this.consumerName = setup.consumerDomain() + "." + setup.name();
        this.consumer = setup.consumer();
        this.valueDeserializer = setup.valueDeserializer();
        this.keyDeserializer = setup.keyDeserializer();
        this.onUndecodable = setup.onUndecodable();
        this.deadLetterTopic = setup.deadLetterTopic();
        this.deadLetterProducerFactory = setup.deadLetterProducer();
        this.masked = setup.masked();
        this.deliveredCounter = counter(setup.meters(), "delivered");
        this.skippedCounter = counter(setup.meters(), "skipped");
        this.deadLetteredCounter = counter(setup.meters(), "dead-lettered");
        consumer.subscribe(List.of(topic));
    }

    private Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("mesh.subscribe.records")
                .description("Records read from a port by a subscriber, by what became of them")
                .tag("port", topic)
                .tag("subscriber", consumerName)
                .tag("outcome", outcome)
                .register(meters);
    }

    @Override
    public PortAddress port() {
        return address;
    }

    @Override
    public int poll(Duration timeout, Consumer<PortMessage<V>> handler) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        int handled = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                PortMessage<V> message;
                try {
                    message = decode(record);
                } catch (RuntimeException e) {
                    undecodable(record, e);
                    done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    continue;
                }
                handler.accept(message);
                delivered++;
                deliveredCounter.increment();
                handled++;
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        } catch (Throwable failure) {
            // Whatever failed (the handler, with an exception or an Error, or dead-lettering): read the failing record
            // and everything after it again on the next poll, and keep what was handled.
            rewind(records, done);
            if (!done.isEmpty()) {
                try {
                    consumer.commitSync(done);
                } catch (RuntimeException commitFailure) {
                    failure.addSuppressed(commitFailure);
                }
            }
            throw failure;
        }
        consumer.commitSync(done);
        return handled;
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, OffsetAndMetadata> done) {
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            OffsetAndMetadata committed = done.get(partition);
            long next = committed != null ? committed.offset() : inPartition.get(0).offset();
            consumer.seek(partition, next);
        }
    }

    private PortMessage<V> decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("the record has no value (a tombstone); ports carry records, not deletes");
        }
        V value = valueDeserializer.deserialize(record.topic(), record.headers(), record.value());
        if (value == null) {
            throw new IllegalArgumentException("the value decoded to null");
        }
        Object key = record.key() == null ? null : keyDeserializer.deserialize(record.topic(), record.headers(), record.key());
        return new PortMessage<>(key == null ? null : key.toString(), value, record.headers(), record.topic(),
                record.partition(), record.offset(), record.timestamp());
    }

    private void undecodable(ConsumerRecord<byte[], byte[]> record, RuntimeException e) {
        String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (onUndecodable == OnUndecodable.SKIP || deadLetterTopic == null || deadLetterProducerFactory == null) {
            skipped++;
            skippedCounter.increment();
            log.warn("Skipped undecodable record {} for subscriber {}: {}", where, consumerName, reason);
            return;
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(DEAD_LETTER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DEAD_LETTER_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DEAD_LETTER_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(DEAD_LETTER_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add(DEAD_LETTER_CONSUMER, consumerName.getBytes(StandardCharsets.UTF_8));
        if (masked) {
            // The raw bytes are the owner's clear values, which this consumer may not hold: the headers point to the
            // record on the port for whoever has the clearance.
            headers.add(DEAD_LETTER_PAYLOAD, "omitted-classified".getBytes(StandardCharsets.UTF_8));
        }
        if (deadLetterProducer == null) {
            deadLetterProducer = deadLetterProducerFactory.get();
        }
        try {
            deadLetterProducer.send(new ProducerRecord<>(deadLetterTopic, null, record.timestamp(),
                    masked ? null : record.key(), masked ? null : record.value(), headers)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while dead-lettering " + where, ie);
        } catch (ExecutionException | TimeoutException failure) {
            // Not committed: the record will be read, and dead-lettered, again.
            throw new MeshException("Could not copy undecodable record " + where + " to dead-letter topic "
                    + deadLetterTopic + " (" + failure.getMessage() + "); it was not committed and will be retried", failure);
        }
        deadLettered++;
        deadLetteredCounter.increment();
        log.warn("Dead-lettered undecodable record {} to {} for subscriber {}: {}", where, deadLetterTopic, consumerName,
                reason);
    }

    @Override
    public SubscriberStats stats() {
        return new SubscriberStats(delivered, skipped, deadLettered);
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(10));
        } finally {
            if (deadLetterProducer != null) {
                deadLetterProducer.close(Duration.ofSeconds(10));
            }
        }
    }
}
