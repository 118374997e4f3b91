package io.meshstreams.internal.masking;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Masks records of one record schema of the port (the root, or a nested record with masked fields below it) into
 * records of its masked schema. Everything is decided when it is built: per output field, the input position and
 * what to do. Per record it allocates the output record and the hashes, nothing else.
 *
 * <p>Positions are only meaningful for records laid out like the port schema, so a record whose schema has other
 * fields is refused (a field in another position could otherwise pass a classified value on in clear). Schema
 * instances already found to match are remembered, so the check costs a comparison of references.
 *
 * <p>Thread-safe: immutable but for that memo, which may lose an entry in a race and then only costs a re-check.
 */
public final class RecordMasking {
    static final byte COPY = 0;
    static final byte HASH = 1;
    static final byte REDACT = 2;
    static final byte NESTED = 3;
    private static final int MAX_REMEMBERED_SCHEMAS = 16;

    private final Schema expected;
    private final Schema output;
    private final String prefix;
    private final int[] source;
    private final byte[] operation;
    private final @Nullable Schema[] portTypes;
    private final @Nullable RecordMasking[] nested;
    private final @Nullable KeyedHash hash;
    private volatile Schema[] matching = new Schema[0];

    RecordMasking(Schema expected, Schema output, String prefix, int[] source, byte[] operation,
                  @Nullable Schema[] portTypes, @Nullable RecordMasking[] nested, @Nullable KeyedHash hash) {
        this.expected = expected;
        this.output = output;
        this.prefix = prefix;
        this.source = source;
        this.operation = operation;
        this.portTypes = portTypes;
        this.nested = nested;
        this.hash = hash;
    }

    public Schema output() {
        return output;
    }

    /** A new record of the masked schema holding the input's values, masked. Unmasked values are shared, not copied. */
    public GenericData.Record mask(IndexedRecord input) {
        requireLayout(input);
        GenericData.Record masked = new GenericData.Record(output);
        for (int i = 0; i < operation.length; i++) {
            Object value = read(input, i);
            switch (operation[i]) {
                case COPY -> masked.put(i, value);
                case HASH -> masked.put(i, value == null ? null : hash(value, i));
                case REDACT -> {
                    // a new record's fields are null already
                }
                case NESTED -> masked.put(i, value == null ? null : nested(value, i));
                default -> throw new IllegalStateException("unknown masking operation " + operation[i]);
            }
        }
        return masked;
    }

    private @Nullable Object read(IndexedRecord input, int i) {
        try {
            return input.get(source[i]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Field '" + path(i) + "' cannot be read from the record ("
                    + e + "); the record does not match its own schema " + expected.getFullName()
                    + ", so it is not masked and nothing of it is passed on", e);
        }
    }

    private String hash(Object value, int i) {
        KeyedHash keyed = hash;
        if (keyed == null) {
            throw new IllegalStateException("no hash key"); // the compiler refuses HASH without a key
        }
        if (value instanceof Utf8 utf8) {
            return keyed.hex(utf8.getBytes(), 0, utf8.getByteLength());
        }
        if (value instanceof String text) {
            return keyed.hex(text.getBytes(StandardCharsets.UTF_8));
        }
        return keyed.hex(CanonicalForm.of(value, portTypes[i]));
    }

    private GenericData.Record nested(Object value, int i) {
        if (value instanceof IndexedRecord record) {
            return nested[i].mask(record);
        }
        throw new IllegalArgumentException("Field '" + path(i) + "' holds a " + value.getClass().getName()
                + " where the port schema has record " + nested[i].expected.getFullName()
                + "; the record does not match its own schema, so it is not masked and nothing of it is passed on");
    }

    private String path(int i) {
        return prefix + output.getFields().get(i).name();
    }

    private void requireLayout(IndexedRecord input) {
        Schema actual = input.getSchema();
        if (actual == expected) {
            return;
        }
        Schema[] known = matching;
        for (Schema schema : known) {
            if (schema == actual) {
                return;
            }
        }
        if (actual == null || !sameLayout(actual, expected)) {
            throw new IllegalArgumentException("A record of " + (actual == null ? "no schema" : actual.getFullName()
                    + " " + names(actual)) + (prefix.isEmpty() ? "" : " at '" + prefix.substring(0, prefix.length() - 1)
                    + "'") + " cannot be masked as " + expected.getFullName() + " " + names(expected)
                    + ": masking goes by the port schema's field positions. Read the port with its value schema as "
                    + "the reader schema (new AvroDeserializer<>(registry, port.valueSchema())), so every record has it");
        }
        if (known.length < MAX_REMEMBERED_SCHEMAS) {
            Schema[] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = actual;
            matching = more;
        }
    }

    private static boolean sameLayout(Schema actual, Schema expected) {
        if (actual.getType() != Schema.Type.RECORD || actual.getFields().size() != expected.getFields().size()) {
            return false;
        }
        for (int i = 0; i < expected.getFields().size(); i++) {
            if (!actual.getFields().get(i).name().equals(expected.getFields().get(i).name())) {
                return false;
            }
        }
        return true;
    }

    private static String names(Schema schema) {
        return schema.getType() == Schema.Type.RECORD
                ? schema.getFields().stream().map(Schema.Field::name).toList().toString()
                : "(a " + schema.getType().getName() + ")";
    }
}
