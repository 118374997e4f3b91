package io.meshstreams.publish;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * A record to publish, with what the caller wants to carry along: headers (a W3C {@code traceparent} passes
 * through to the port and to quarantine) and a timestamp.
 *
 * @param key       the key, or null to take it from the port's key field
 * @param value     the value
 * @param headers   headers to carry; the publisher adds its own ({@code mesh.*})
 * @param timestamp the record's timestamp in epoch milliseconds, or null for the producer's clock
 */
public record PortRecord<K, V>(@Nullable K key, V value, Headers headers, @Nullable Long timestamp) {
    public PortRecord {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(headers, "headers");
    }

    /** No headers: shared and read-only (adding to it throws); use {@link #withHeaders} to carry some. */
    private static final Headers NO_HEADERS = readOnly();

    private static Headers readOnly() {
        RecordHeaders headers = new RecordHeaders();
        headers.setReadOnly();
        return headers;
    }

    /** A record keyed by the port's key field, with no headers. */
    public static <K, V> PortRecord<K, V> of(V value) {
        return new PortRecord<>(null, value, NO_HEADERS, null);
    }

    /** A record with this key (null: take it from the port's key field), with no headers. */
    public static <K, V> PortRecord<K, V> of(@Nullable K key, V value) {
        return new PortRecord<>(key, value, NO_HEADERS, null);
    }

    public PortRecord<K, V> withHeaders(Headers newHeaders) {
        return new PortRecord<>(key, value, newHeaders, timestamp);
    }

    public PortRecord<K, V> withTimestamp(long epochMillis) {
        return new PortRecord<>(key, value, headers, epochMillis);
    }
}
