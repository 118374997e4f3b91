package io.meshstreams.internal.streams;

import io.meshstreams.internal.serde.KeyEncoding;

import org.apache.kafka.common.serialization.Serde;

/**
 * How the records of a stream or table in a governed topology are spread over partitions: Kafka's default
 * partitioner takes the murmur2 hash of the key's bytes modulo the partition count, so two sides are co-partitioned
 * exactly when both the count and the key encoding agree.
 *
 * @param what       what is partitioned so (a port's topic, a join's re-keyed stream), for messages
 * @param partitions the partition count, or {@link #UNKNOWN} when Kafka Streams sizes the topic itself
 * @param keyType    the Java type of the keys
 * @param keySerde   the serde that writes the keys as they are partitioned: to repartition another side like this one
 * @param encoding   how {@code keySerde} writes keys
 */
public record Partitioning<K>(String what, int partitions, Class<K> keyType, Serde<K> keySerde, KeyEncoding encoding) {
    public static final int UNKNOWN = -1;

    /** True if a key lands in the same partition on both sides. */
    public boolean coPartitionedWith(Partitioning<?> other) {
        return partitions != UNKNOWN && partitions == other.partitions && encoding.equals(other.encoding);
    }

    /** The same partitioning, described as another thing (e.g. a stream repartitioned like this one). */
    public Partitioning<K> as(String newWhat) {
        return new Partitioning<>(newWhat, partitions, keyType, keySerde, encoding);
    }

    public TopologyChecks.TopicLayout layout() {
        return new TopologyChecks.TopicLayout(partitions, encoding);
    }
}
