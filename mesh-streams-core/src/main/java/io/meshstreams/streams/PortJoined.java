package io.meshstreams.streams;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * How to run a governed join: immutable; each {@code withX} returns a copy. The name is required: it names the join's
 * processors and the internal topics it may need ({@code <application>-<name>-repartition}), so that they keep their
 * names when the topology changes.
 *
 * @param name           the join's name
 * @param rekey          for stream-table and stream-stream joins: a new key for the left (stream) side, such as the
 *                       foreign key {@code (key, order) -> order.get("customerId").toString()}, of the right side's key
 *                       type; the stream is then repartitioned exactly as the right side is (its partition count and
 *                       the way its port writes keys). Null keeps the stream's key.
 * @param coPartitioning what to do when the inputs' partition counts differ
 */
public record PortJoined(String name, @Nullable KeyValueMapper<Object, GenericRecord, Object> rekey,
                         CoPartitioning coPartitioning) {
    public PortJoined {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(coPartitioning, "coPartitioning");
    }

    /** A join with this name, keeping the stream's key, repartitioning when partition counts differ. */
    public static PortJoined as(String name) {
        return new PortJoined(name, null, CoPartitioning.REPARTITION);
    }

    /**
     * Re-keys the left stream before joining, e.g. by a foreign key. The new key must be of the right side's key type
     * ({@code String}, {@code Integer} or {@code Long}, as its port's key field); a key of another type fails the
     * record (to the dead-letter topic) with a message that names both types.
     *
     * @param <K>  the left stream's key type
     * @param <KR> the right side's key type
     */
    @SuppressWarnings("unchecked")
    public <K, KR> PortJoined withRekey(KeyValueMapper<K, GenericRecord, KR> newKey) {
        Objects.requireNonNull(newKey, "newKey");
        return new PortJoined(name, (KeyValueMapper<Object, GenericRecord, Object>) (KeyValueMapper<?, ?, ?>) newKey,
                coPartitioning);
    }

    /**
     * Re-keys the left stream by one of its fields, e.g. {@code "customerId"}: the field's value as the record holds
     * it, a {@code string} as a {@code String}, an {@code int} as an {@code Integer}, a {@code long} as a {@code Long},
     * which must be the right side's key type.
     */
    public PortJoined withRekeyByField(String field) {
        Objects.requireNonNull(field, "field");
        return withRekey((Object key, GenericRecord value) -> {
            Object fieldValue = value.get(field);
            return fieldValue instanceof CharSequence text ? text.toString() : fieldValue;
        });
    }

    public PortJoined withCoPartitioning(CoPartitioning policy) {
        return new PortJoined(name, rekey, policy);
    }
}
