package io.meshstreams.product;

import java.util.Objects;

/**
 * How a port's records are keyed: by the value of one field of the record, which decides the partition and is
 * what consumers join and compact on.
 *
 * <p>A publisher derives the key from the field when the caller gives none, and reports a {@code KEY} violation
 * when the record has no value for it or when a given key differs from the field.
 *
 * @param field  the field path in the value schema, e.g. {@code orderId} or {@code customer.id}; a string, int or
 *               long field that is not nullable
 * @param format how the key is serialized: {@link Format#STRING} (UTF-8, the default, readable by any client) or
 *               {@link Format#AVRO} (Confluent wire format, schema registered under {@code <topic>-key})
 */
public record KeyDefinition(String field, Format format) {
    public KeyDefinition {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(format, "format");
    }

    /** A string key taken from a field of the value. */
    public static KeyDefinition field(String field) {
        return new KeyDefinition(field, Format.STRING);
    }

    public KeyDefinition withFormat(Format format) {
        return new KeyDefinition(field, format);
    }

    /** The serialization of a port's keys. */
    public enum Format {
        /** The field's value as UTF-8 text (numbers in decimal). */
        STRING,
        /** The field's value in Confluent's Avro wire format, with the field's type as the key schema. */
        AVRO
    }
}
