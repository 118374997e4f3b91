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
 *                       foreign key {@code order -> order.get("customerId").toString()}; the stream is then
 *                       repartitioned by that key. Null keeps the stream's key.
 * @param coPartitioning what to do when the inputs' partition counts differ
 */
public record PortJoined(String name, @Nullable KeyValueMapper<String, GenericRecord, String> rekey,
                         CoPartitioning coPartitioning) {
    public PortJoined {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(coPartitioning, "coPartitioning");
    }

    /** A join with this name, keeping the stream's key, repartitioning when partition counts differ. */
    public static PortJoined as(String name) {
        return new PortJoined(name, null, CoPartitioning.REPARTITION);
    }

    /** Re-keys the left stream before joining, e.g. by a foreign key. */
    public PortJoined withRekey(KeyValueMapper<String, GenericRecord, String> newKey) {
        return new PortJoined(name, Objects.requireNonNull(newKey, "newKey"), coPartitioning);
    }

    /** Re-keys the left stream by one of its fields, e.g. {@code "customerId"}. */
    public PortJoined withRekeyByField(String field) {
        Objects.requireNonNull(field, "field");
        return withRekey((key, value) -> {
            Object fieldValue = value.get(field);
            return fieldValue == null ? null : fieldValue.toString();
        });
    }

    public PortJoined withCoPartitioning(CoPartitioning policy) {
        return new PortJoined(name, rekey, policy);
    }
}
