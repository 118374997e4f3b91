package io.meshstreams.internal.serde;

import java.util.Objects;

/**
 * How keys are written as bytes, which (with the partition count) decides where Kafka puts them: the default
 * partitioner takes the murmur2 hash of the key's bytes. Two encodings are equal when the same key value gives the
 * same bytes in both: every UTF-8 text form is one encoding (a hashed key is text too), an Avro key is one encoding
 * per schema id. The description is only for messages.
 */
public final class KeyEncoding {
    private enum Kind { TEXT, AVRO, CLEAR_SEEN_HASHED }

    private static final KeyEncoding TEXT = new KeyEncoding(Kind.TEXT, -1, "as UTF-8 text");
    private static final KeyEncoding HASHED = new KeyEncoding(Kind.TEXT, -1, "as UTF-8 text of their hashes");

    private final Kind kind;
    private final int schemaId;
    private final String description;

    private KeyEncoding(Kind kind, int schemaId, String description) {
        this.kind = kind;
        this.schemaId = schemaId;
        this.description = description;
    }

    /** The key's text (a number in decimal) in UTF-8: a {@code STRING} port's keys. */
    public static KeyEncoding text() {
        return TEXT;
    }

    /** Hashed keys, which are text: equal to {@link #text()}, described as hashes. */
    public static KeyEncoding hashed() {
        return HASHED;
    }

    /** Confluent's wire format with this key schema id: an {@code AVRO} port's keys. */
    public static KeyEncoding avro(int schemaId, String subject, String schema) {
        return new KeyEncoding(Kind.AVRO, schemaId, "in Avro (key schema " + schema + ", id " + schemaId + " under "
                + subject + ")");
    }

    /**
     * A port whose keys a reader sees hashed: its records sit in the partitions of the clear keys, which the reader
     * never sees, so nothing it writes is partitioned like them.
     */
    public static KeyEncoding clearSeenHashed(KeyEncoding clear) {
        return new KeyEncoding(Kind.CLEAR_SEEN_HASHED, clear.schemaId, "partitioned by clear keys " + clear.description
                + " that this domain sees only hashed");
    }

    /** For messages: {@code as UTF-8 text}, {@code in Avro (key schema "long", id 7 under ...-key)}. */
    public String description() {
        return description;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        // a port seen hashed is partitioned by bytes nobody else has: equal only to itself
        return other instanceof KeyEncoding that && kind != Kind.CLEAR_SEEN_HASHED && kind == that.kind
                && schemaId == that.schemaId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, schemaId);
    }

    @Override
    public String toString() {
        return description;
    }
}
