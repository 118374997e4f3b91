package io.meshstreams.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * How a port enters a governed topology: immutable; each {@code withX} returns a copy.
 *
 * @param name             the source's name in the topology, and the base of its state store's name for tables
 * @param historyRetention for tables: how long a versioned store keeps old versions, so that a stream record that
 *                         arrives late joins with the table value of its own time (1 hour by default)
 * @param versioned        for tables: a versioned store (the default) or a plain key-value store
 */
public record PortConsumed(String name, Duration historyRetention, boolean versioned) {
    public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofHours(1);

    public PortConsumed {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(historyRetention, "historyRetention");
        if (historyRetention.isNegative() || historyRetention.isZero()) {
            throw new IllegalArgumentException("historyRetention must be positive, got " + historyRetention);
        }
    }

    /** Defaults with this name: versioned tables keeping {@link #DEFAULT_HISTORY_RETENTION} of history. */
    public static PortConsumed as(String name) {
        return new PortConsumed(name, DEFAULT_HISTORY_RETENTION, true);
    }

    public PortConsumed withHistoryRetention(Duration retention) {
        return new PortConsumed(name, retention, true);
    }

    /** A plain (latest-value) table store: cheaper, but a late stream record joins with the newest value. */
    public PortConsumed withoutVersioning() {
        return new PortConsumed(name, historyRetention, false);
    }
}
