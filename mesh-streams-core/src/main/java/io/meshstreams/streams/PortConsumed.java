package io.meshstreams.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * How a port enters a governed topology: immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * KStream<String, GenericRecord> orders = builder.stream(placed, PortConsumed.as("orders"));
 * KTable<Long, GenericRecord> accounts = builder.table(accountsPort,
 *         PortConsumed.as("accounts").withKeyType(Long.class));      // key field accountNumber is a long
 * }</pre>
 *
 * <ol>
 *   <li>{@link #keyType()}: the Java type of the port's keys as this domain sees them, which must be the key
 *       field's: {@code String} (a {@code string} field, and any key the domain sees hashed), {@code Integer}
 *       ({@code int}), {@code Long} ({@code long}). {@link #as} reads {@code String} keys; the builder refuses a
 *       type that is not the port's and names the right one.</li>
 *   <li>{@link #name()}: the source's name in the topology, and the base of its state store's name for tables.</li>
 *   <li>For tables: a versioned store by default, keeping {@link #historyRetention()} of old versions, so that a
 *       stream record that arrives late joins with the table value of its own time; or a plain key-value store.</li>
 * </ol>
 *
 * @param <K> the Java type of the port's keys
 */
public final class PortConsumed<K> {
    public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofHours(1);

    private final String name;
    private final Class<K> keyType;
    private final Duration historyRetention;
    private final boolean versioned;

    private PortConsumed(String name, Class<K> keyType, Duration historyRetention, boolean versioned) {
        this.name = Objects.requireNonNull(name, "name");
        this.keyType = Objects.requireNonNull(keyType, "keyType");
        this.historyRetention = Objects.requireNonNull(historyRetention, "historyRetention");
        if (historyRetention.isNegative() || historyRetention.isZero()) {
            throw new IllegalArgumentException("historyRetention must be positive, got " + historyRetention);
        }
        this.versioned = versioned;
    }

    /** {@code String} keys and defaults with this name: versioned tables keeping 1 hour of history. */
    public static PortConsumed<String> as(String name) {
        return new PortConsumed<>(name, String.class, DEFAULT_HISTORY_RETENTION, true);
    }

    /** Keys of this type: {@code String}, {@code Integer} or {@code Long}, as the port's key field gives them. */
    public <T> PortConsumed<T> withKeyType(Class<T> type) {
        return new PortConsumed<>(name, type, historyRetention, versioned);
    }

    /** A versioned table store keeping this much history. */
    public PortConsumed<K> withHistoryRetention(Duration retention) {
        return new PortConsumed<>(name, keyType, retention, true);
    }

    /** A plain (latest-value) table store: cheaper, but a late stream record joins with the newest value. */
    public PortConsumed<K> withoutVersioning() {
        return new PortConsumed<>(name, keyType, historyRetention, false);
    }

    public String name() {
        return name;
    }

    public Class<K> keyType() {
        return keyType;
    }

    public Duration historyRetention() {
        return historyRetention;
    }

    public boolean versioned() {
        return versioned;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PortConsumed<?> that && name.equals(that.name) && keyType == that.keyType
                && historyRetention.equals(that.historyRetention) && versioned == that.versioned;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, keyType, historyRetention, versioned);
    }

    @Override
    public String toString() {
        return "PortConsumed[name=" + name + ", keyType=" + keyType.getSimpleName() + ", historyRetention="
                + historyRetention + ", versioned=" + versioned + "]";
    }
}
