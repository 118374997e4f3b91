package io.meshstreams.local.internal.registry;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One record of the store topic, as bytes: a JSON key and a JSON value, or a {@code null} value
 * (a tombstone) that removes the key when the topic is compacted.
 */
record StoreRecord(byte[] key, byte @Nullable [] value) {
    StoreRecord {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return new String(key, StandardCharsets.UTF_8) + " -> "
                + (value == null ? "null" : new String(value, StandardCharsets.UTF_8));
    }
}
