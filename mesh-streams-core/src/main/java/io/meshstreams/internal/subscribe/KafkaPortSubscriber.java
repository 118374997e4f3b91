package io.meshstreams.internal.subscribe;

import io.meshstreams.MeshException;
import io.meshstreams.product.PortAddress;
import io.meshstreams.subscribe.OnUndecodable;
import io.meshstreams.subscribe.PortMessage;
import io.meshstreams.subscribe.PortSubscriber;
import io.meshstreams.subscribe.SubscriberStats;

import io.meshstreams.serde.SchemaUnavailableException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@link PortSubscriber} over a {@code KafkaConsumer<byte[], byte[]>}: decoding happens here, so a bad record is ours. */
public final class KafkaPortSubscriber<K, V> implements PortSubscriber<K, V> {
    private static final Logger log = LoggerFactory.getLogger(KafkaPortSubscriber.class);
    public static final String DEAD_LETTER_REASON = "mesh.dead-letter.reason";
    public static final String DEAD_LETTER_TOPIC = "mesh.dead-letter.topic";
    public static final String DEAD_LETTER_PARTITION = "mesh.dead-letter.partition";
    public static final String DEAD_LETTER_OFFSET = "mesh.dead-letter.offset";
    public static final String DEAD_LETTER_CONSUMER = "mesh.dead-letter.consumer";
    /** Set to {@code omitted-classified} on a dead-letter record whose key and value were left out. */
    public static final String DEAD_LETTER_PAYLOAD = "mesh.dead-letter.payload";

    /** Everything a subscriber needs, resolved by the client. */
    public record Setup<K, V>(PortAddress address, String consumerDomain, String name, KafkaConsumer<byte[], byte[]> consumer,
                           Deserializer<V> valueDeserializer, Deserializer<K> keyDeserializer, OnUndecodable onUndecodable,
                           @Nullable String deadLetterTopic, @Nullable Supplier<KafkaProducer<byte[], byte[]>> deadLetterProducer,
                           boolean masked, MeterRegistry meters, Duration registryRetryBackoff,
                           Duration registryRetryBackoffMax) {
    }

    /** A partition paused at {@code offset} because the registry could not be asked for its record's schema. */
    private static final class Stall {
        final long offset;
        final long sinceNanos;
        int attempts;
        long resumeAtNanos;
        boolean paused;

        Stall(long offset, long sinceNanos) {
            this.offset = offset;
            this.sinceNanos = sinceNanos;
        }
    }

    private final PortAddress address;
    private final String topic;
    private final String consumerName;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<V> valueDeserializer;
    private final Deserializer<K> keyDeserializer;
    private final OnUndecodable onUndecodable;
    private final @Nullable String deadLetterTopic;
    private final @Nullable Supplier<KafkaProducer<byte[], byte[]>> deadLetterProducerFactory;
    private @Nullable KafkaProducer<byte[], byte[]> deadLetterProducer;
    private final boolean masked;
    private final Counter deliveredCounter;
    private final Counter skippedCounter;
    private final Counter deadLetteredCounter;
    private final Counter registryUnavailableCounter;
    private final MeterRegistry meters;
    private final Gauge pausedGauge;
    private final long backoffNanos;
    private final long backoffMaxNanos;
    private final Map<TopicPartition, Stall> stalls = new HashMap<>();
    private long delivered;
    private long skipped;
    private long deadLettered;

    public KafkaPortSubscriber(Setup<K, V> setup) {
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
        this.meters = setup.meters();
        this.backoffNanos = setup.registryRetryBackoff().toNanos();
        this.backoffMaxNanos = setup.registryRetryBackoffMax().toNanos();
        this.registryUnavailableCounter = Counter.builder("mesh.subscribe.registry.unavailable")
                .description("Records a subscriber could not decode yet because the schema registry could not be asked "
                        + "for their schema; each pauses its partition, none is skipped")
                .tag("port", topic)
                .tag("subscriber", consumerName)
                .register(meters);
        this.pausedGauge = Gauge.builder("mesh.subscribe.paused.partitions", stalls, KafkaPortSubscriber::pausedCount)
                .description("Partitions a subscriber has paused until the schema registry answers")
                .tag("port", topic)
                .tag("subscriber", consumerName)
                .register(meters);
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                forget(partitions);
            }
        });
    }

    private static double pausedCount(Map<TopicPartition, Stall> stalls) {
        return stalls.values().stream().filter(stall -> stall.paused).count();
    }

    /** Partitions that left this member: Kafka forgets their pause, and so do we; whoever gets them reads on from the commit. */
    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Stall stall = stalls.remove(partition);
            if (stall != null) {
                log.info("Subscriber {} no longer reads {} (rebalance) while it waited for the schema registry at "
                        + "offset {}; whoever reads it next starts there", consumerName, partition, stall.offset);
            }
        }
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
    public int poll(Duration timeout, Consumer<PortMessage<K, V>> handler) {
        resumeDue();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout(timeout));
        if (records.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Set<TopicPartition> stalledNow = new HashSet<>();
        int handled = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (stalledNow.contains(partition)) {
                    continue; // read again from the stalled record once the partition resumes
                }
                PortMessage<K, V> message;
                try {
                    message = decode(record);
                } catch (SchemaUnavailableException e) {
                    stall(partition, record.offset(), e);
                    stalledNow.add(partition);
                    continue;
                } catch (RuntimeException e) {
                    undecodable(record, e);
                    done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    recovered(partition);
                    continue;
                }
                handler.accept(message);
                delivered++;
                deliveredCounter.increment();
                handled++;
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                recovered(partition);
            }
        } catch (Throwable failure) {
            // Whatever failed (the handler, with an exception or an Error, or dead-lettering): read the failing record
            // and everything after it again on the next poll, and keep what was handled.
            rewind(records, done, stalledNow);
            if (!done.isEmpty()) {
                try {
                    consumer.commitSync(done);
                } catch (RuntimeException commitFailure) {
                    failure.addSuppressed(commitFailure);
                }
            }
            throw failure;
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
        return handled;
    }

    /** While partitions wait, a poll returns by the time the first of them is due, so that it resumes on time. */
    private Duration pollTimeout(Duration timeout) {
        long now = System.nanoTime();
        long soonest = Long.MAX_VALUE;
        for (Stall stall : stalls.values()) {
            if (stall.paused) {
                soonest = Math.min(soonest, Math.max(0, stall.resumeAtNanos - now));
            }
        }
        return soonest == Long.MAX_VALUE || Duration.ofNanos(soonest).compareTo(timeout) >= 0
                ? timeout : Duration.ofNanos(soonest);
    }

    /** Resumes every paused partition whose backoff has expired; its stalled record is fetched again. */
    private void resumeDue() {
        if (stalls.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = new ArrayList<>();
        for (Map.Entry<TopicPartition, Stall> entry : stalls.entrySet()) {
            Stall stall = entry.getValue();
            if (stall.paused && now - stall.resumeAtNanos >= 0) {
                stall.paused = false;
                due.add(entry.getKey());
            }
        }
        if (!due.isEmpty()) {
            Set<TopicPartition> assigned = consumer.assignment();
            consumer.resume(due.stream().filter(assigned::contains).toList());
        }
    }

    /**
     * The registry could not be asked for the schema of the record at {@code offset}: go back to it, pause the
     * partition and try again after a backoff. Nothing from it on is committed.
     */
    private void stall(TopicPartition partition, long offset, SchemaUnavailableException e) {
        registryUnavailableCounter.increment();
        long now = System.nanoTime();
        Stall stall = stalls.get(partition);
        if (stall == null || stall.offset != offset) {
            stall = new Stall(offset, now);
            stalls.put(partition, stall);
        }
        stall.attempts++;
        long wait = backoffNanos(stall.attempts);
        stall.resumeAtNanos = now + wait;
        stall.paused = true;
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        if (stall.attempts == 1) {
            log.warn("Subscriber {} paused {} at offset {} of port {}: the schema registry {} could not be asked for {} "
                            + "schema id {} ({}). Nothing is skipped: the record is read again in {} ms, and then with "
                            + "growing waits until the registry answers. Cause: {}", consumerName, partition, offset,
                    address, e.registryUrls().isEmpty() ? "(urls unknown)" : e.registryUrls(),
                    e.isKey() ? "key" : "value", e.schemaId(), e.isOutage() ? "no answer" : "refused",
                    wait / 1_000_000, e.getCause().getMessage());
        } else {
            log.debug("Subscriber {}: {} still waits for the schema registry at offset {} (attempt {}); next in {} ms",
                    consumerName, partition, offset, stall.attempts, wait / 1_000_000);
        }
    }

    /** A record of {@code partition} was handled: if it had been waiting for the registry, it goes on. */
    private void recovered(TopicPartition partition) {
        if (stalls.isEmpty()) {
            return;
        }
        Stall stall = stalls.remove(partition);
        if (stall != null) {
            log.info("Subscriber {} resumed {} at offset {} of port {}: the schema registry answered after {} ms and "
                            + "{} attempt{}", consumerName, partition, stall.offset, address,
                    (System.nanoTime() - stall.sinceNanos) / 1_000_000, stall.attempts, stall.attempts == 1 ? "" : "s");
        }
    }

    /** Exponential from the initial backoff, capped, drawn from the upper half of the ceiling (equal jitter). */
    private long backoffNanos(int attempts) {
        long ceiling = backoffNanos;
        for (int i = 1; i < attempts && ceiling < backoffMaxNanos; i++) {
            ceiling = Math.min(ceiling * 2, backoffMaxNanos);
        }
        ceiling = Math.min(ceiling, backoffMaxNanos);
        return ceiling / 2 + (long) (ThreadLocalRandom.current().nextDouble() * (ceiling - ceiling / 2));
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, OffsetAndMetadata> done,
                        Set<TopicPartition> stalled) {
        for (TopicPartition partition : records.partitions()) {
            if (stalled.contains(partition)) {
                continue; // already back at its stalled record, and paused
            }
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            OffsetAndMetadata committed = done.get(partition);
            long next = committed != null ? committed.offset() : inPartition.get(0).offset();
            consumer.seek(partition, next);
        }
    }

    private PortMessage<K, V> decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("the record has no value (a tombstone); ports carry records, not deletes");
        }
        V value = valueDeserializer.deserialize(record.topic(), record.headers(), record.value());
        if (value == null) {
            throw new IllegalArgumentException("the value decoded to null");
        }
        K key = record.key() == null ? null : keyDeserializer.deserialize(record.topic(), record.headers(), record.key());
        return new PortMessage<>(key, value, record.headers(), record.topic(),
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

    /** Closes the consumer, the dead-letter producer if one was made, the deserializers, and removes the gauge. */
    @Override
    public void close() {
        meters.remove(pausedGauge);
        try {
            consumer.close(Duration.ofSeconds(10));
        } finally {
            try {
                if (deadLetterProducer != null) {
                    deadLetterProducer.close(Duration.ofSeconds(10));
                }
            } finally {
                try {
                    valueDeserializer.close();
                } finally {
                    keyDeserializer.close();
                }
            }
        }
    }
}
