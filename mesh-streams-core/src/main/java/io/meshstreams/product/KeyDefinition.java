package io.meshstreams.product;

import io.meshstreams.internal.product.DataProductValidation;

import java.util.List;
import java.util.Objects;

/**
 * How a port's records are keyed: by the value of one field of the record, which decides the partition and is
 * what consumers join and compact on.
 *
 * <p>A publisher derives the key from the field when the caller gives none, and reports a {@code KEY} violation
 * when the record has no value for it or when a given key differs from the field.
 *
 * <ol>
 *   <li>Immutable; equal when field and format are equal. {@code withX} returns a copy with every other setting
 *       kept.</li>
 *   <li>Checked when built: the field is a path of field names separated by single dots. That the value schema
 *       has the field, and that it is a string, int or long that is not nullable, the port checks.</li>
 * </ol>
 */
public final class KeyDefinition {
    private final String field;
    private final Format format;

    private KeyDefinition(String field, Format format) {
        this.field = field;
        this.format = format;
    }

    /** A string key taken from a field of the value, e.g. {@code orderId} or {@code customer.id}. */
    public static KeyDefinition field(String field) {
        return of(field, Format.STRING);
    }

    /**
     * A key taken from a field of the value.
     *
     * @param field  the field path in the value schema, e.g. {@code orderId} or {@code customer.id}
     * @param format how the key is serialized
     * @throws InvalidDataProductException if the field is not a field path
     */
    public static KeyDefinition of(String field, Format format) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(format, "format");
        List<ValidationProblem> problems = DataProductValidation.key(field, ValidationProblem.CODE);
        if (!problems.isEmpty()) {
            throw new InvalidDataProductException("Key definition", "key " + field, problems);
        }
        return new KeyDefinition(field, format);
    }

    /** The field path in the value schema, e.g. {@code orderId} or {@code customer.id}. */
    public String field() {
        return field;
    }

    /**
     * How the key is serialized: {@link Format#STRING} (UTF-8, the default, readable by any client) or
     * {@link Format#AVRO} (Confluent wire format, schema registered under {@code <topic>-key}).
     */
    public Format format() {
        return format;
    }

    /** This key taken from another field. */
    public KeyDefinition withField(String field) {
        return of(field, format);
    }

    /** This key in another serialization. */
    public KeyDefinition withFormat(Format format) {
        return of(field, format);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyDefinition that && field.equals(that.field) && format == that.format;
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, format);
    }

    @Override
    public String toString() {
        return "KeyDefinition[field=" + field + ", format=" + format + "]";
    }

    /** The serialization of a port's keys. */
    public enum Format {
        /** The field's value as UTF-8 text (numbers in decimal). */
        STRING,
        /** The field's value in Confluent's Avro wire format, with the field's type as the key schema. */
        AVRO
    }
}
