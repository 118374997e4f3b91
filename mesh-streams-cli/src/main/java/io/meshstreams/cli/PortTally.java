package io.meshstreams.cli;

import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.QuarantineHeaders;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.serde.AvroDeserializer;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the demo's ports received since the demo started, read as any other consumer reads them: a plain consumer
 * (no group, committed records only) of the orders port and its quarantine and of the analytics port and its
 * quarantine, from the first record of the demo's time on. Not thread-safe: one thread polls and reads.
 */
final class PortTally implements AutoCloseable {
    /** The quarantine header that names the rules a record broke. */
    private static final String VIOLATED_RULES_HEADER = QuarantineHeaders.VIOLATED_RULES;
    private static final int SAMPLES = 3;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SchemaRegistryClient registry;
    private final AvroDeserializer<GenericRecord> values;
    private final PortAddress orders;
    private final PortAddress enriched;

    private final Set<String> ordersOnPort = new HashSet<>();
    private final Map<String, Integer> quarantinedByRule = new TreeMap<>();
    private final Set<String> enrichedOnPort = new HashSet<>();
    private final Set<String> enrichedInQuarantine = new HashSet<>();
    private long enrichedRecords;
    private final Deque<GenericRecord> latestEnriched = new ArrayDeque<>();

    /**
     * @param clientConfig {@code bootstrap.servers}, {@code schema.registry.url} and any security settings
     * @param sinceMillis  read records from this time on (the demo's start)
     */
    PortTally(Map<String, Object> kafkaConfig, Map<String, Object> registryConfig, PortAddress orders,
              PortAddress enriched, long sinceMillis) {
        this.orders = orders;
        this.enriched = enriched;
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesh-demo-tally");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.registry = SchemaRegistryClient.create(registryConfig);
        this.values = new AvroDeserializer<>(registry);

        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(orders.topic(), orders.quarantineTopic(), enriched.topic(), enriched.quarantineTopic())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        partitions.forEach(p -> since.put(p, sinceMillis));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            consumer.seek(partition, offset != null ? offset.offset() : ends.get(partition));
        }
    }

    /** Reads what arrived, waiting at most {@code timeout} for the first records. */
    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            String topic = record.topic();
            if (topic.equals(orders.topic())) {
                ordersOnPort.add(key);
            } else if (topic.equals(orders.quarantineTopic())) {
                Header rules = record.headers().lastHeader(VIOLATED_RULES_HEADER);
                quarantinedByRule.merge(rules == null ? "?" : new String(rules.value(), StandardCharsets.UTF_8), 1,
                        Integer::sum);
            } else {
                enrichedRecords++;
                (topic.equals(enriched.topic()) ? enrichedOnPort : enrichedInQuarantine).add(key);
                if (topic.equals(enriched.topic())) {
                    latestEnriched.addLast(values.deserialize(topic, record.headers(), record.value()));
                    if (latestEnriched.size() > SAMPLES) {
                        latestEnriched.removeFirst();
                    }
                }
            }
        }
    }

    /** Order ids that arrived on the orders port. */
    Set<String> ordersOnPort() {
        return ordersOnPort;
    }

    /** Records that arrived in the orders port's quarantine, by the rules they broke (comma-separated). */
    Map<String, Integer> quarantinedByRule() {
        return quarantinedByRule;
    }

    /** Order ids of enriched orders on the analytics port. */
    Set<String> enrichedOnPort() {
        return enrichedOnPort;
    }

    /** Order ids of enriched orders in the analytics port's quarantine. */
    Set<String> enrichedInQuarantine() {
        return enrichedInQuarantine;
    }

    /** Enriched records that arrived, port and quarantine together (duplicates would count twice). */
    long enrichedRecords() {
        return enrichedRecords;
    }

    /** How many of the given orders arrived enriched, on the analytics port or in its quarantine. */
    long enrichedOf(Set<String> orderIds) {
        return orderIds.stream().filter(id -> enrichedOnPort.contains(id) || enrichedInQuarantine.contains(id)).count();
    }

    /** The latest enriched orders read from the analytics port, oldest first. */
    List<GenericRecord> latestEnriched() {
        return List.copyOf(latestEnriched);
    }

    @Override
    public void close() {
        try {
            consumer.close();
        } finally {
            registry.close();
        }
    }
}
