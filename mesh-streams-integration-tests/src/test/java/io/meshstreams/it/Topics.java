package io.meshstreams.it;

import io.meshstreams.test.TestMesh;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Reading whole topics in tests, with plain Kafka consumers (no group, from the beginning, committed records only). */
final class Topics {
    private Topics() {
    }

    /**
     * Committed records of the topic from the beginning: reads until {@code done} holds for what was read and, if
     * {@code toTheEnd}, the consumer has reached the topic's end, within {@code timeout}. Do not ask for the end of a
     * topic that is still being written: it moves on.
     */
    static <K, V> List<ConsumerRecord<K, V>> readUntil(TestMesh mesh, String topic, Deserializer<K> keys,
                                                       Deserializer<V> values,
                                                       Predicate<List<ConsumerRecord<K, V>>> done, boolean toTheEnd,
                                                       Duration timeout) {
        Map<String, Object> config = mesh.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(timeout).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (!done.test(records)) {
                    return false;
                }
                if (!toTheEnd) {
                    return true;
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return records;
    }

    /** Every record of a topic that receives no more records: waits for at least {@code expected}, then to the end. */
    static <K, V> List<ConsumerRecord<K, V>> readAll(TestMesh mesh, String topic, Deserializer<K> keys,
                                                     Deserializer<V> values, int expected) {
        return readUntil(mesh, topic, keys, values, records -> records.size() >= expected, true, Duration.ofSeconds(60));
    }

    static List<ConsumerRecord<byte[], byte[]>> readAllRaw(TestMesh mesh, String topic, int expected) {
        return readAll(mesh, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), expected);
    }

    /** Reads a topic that may still be written until at least {@code expected} records were read. */
    static List<ConsumerRecord<byte[], byte[]>> awaitRaw(TestMesh mesh, String topic, int expected, Duration timeout) {
        return readUntil(mesh, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                records -> records.size() >= expected, false, timeout);
    }

    static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
