package io.meshstreams.internal.contract;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.StructValue;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

/**
 * An Avro record as a CEL struct for dev.cel's interpreter: a read-only view, nothing is copied. A
 * field is found by name in the record's own schema and converted by {@link AvroCelValues} when a
 * rule selects it. A null field is absent: {@code has(message.f)} is false, and selecting it gives
 * {@code null}.
 *
 * <ol>
 *   <li>Its {@link #value()} is the view itself, not the record. dev.cel 0.14's planner unwraps every
 *       CEL value inside the lists and maps that an attribute or a function returns
 *       ({@code CelValueConverter.maybeUnwrap}): a view that unwrapped to its {@link IndexedRecord} left a
 *       record inside an array or map that dev.cel cannot select from ({@code message.contacts.all(c,
 *       c.email...)} failed with "Field selections must be performed on messages or maps"). Unwrapping to
 *       itself keeps every record a view wherever it is, and leaves arrays and maps of records uncopied.
 *       (A value provider whose converter wraps records again does the same, but dev.cel then runs every
 *       value through a chain of converters: measured three times slower on every interpreted rule.)</li>
 *   <li>Two views are equal when their records are ({@link IndexedRecord#equals}), as two records were
 *       when dev.cel compared them unwrapped: {@code ==} and {@code in} over records keep Avro's equality.</li>
 * </ol>
 */
final class AvroRecordValue extends StructValue<String, AvroRecordValue> {
    private final IndexedRecord record;
    private final AvroCelTypes types;
    /** The position of a field whose CEL value is {@link #replacement} in place of the record's, or -1. */
    private final int replaced;
    private final @Nullable Object replacement;

    AvroRecordValue(IndexedRecord record, AvroCelTypes types) {
        this(record, types, -1, null);
    }

    private AvroRecordValue(IndexedRecord record, AvroCelTypes types, int replaced, @Nullable Object replacement) {
        this.record = record;
        this.types = types;
        this.replaced = replaced;
        this.replacement = replacement;
    }

    /** The same view, but for one field, seen as the given CEL value: to evaluate a rule over one element. */
    AvroRecordValue withField(int position, Object celValue) {
        return new AvroRecordValue(record, types, position, celValue);
    }

    /** The view itself: see the class comment. */
    @Override
    public AvroRecordValue value() {
        return this;
    }

    /** The record this is a view of. */
    IndexedRecord record() {
        return record;
    }

    @Override
    public boolean isZeroValue() {
        return false;
    }

    @Override
    public CelType celType() {
        StructType type = types.structNamed(record.getSchema().getFullName());
        return type != null ? type : SimpleType.DYN;
    }

    @Override
    public Object select(String fieldName) {
        Schema.Field field = record.getSchema().getField(fieldName);
        if (field == null) {
            throw new IllegalArgumentException("record " + record.getSchema().getFullName()
                    + " has no field '" + fieldName + "'");
        }
        if (field.pos() == replaced) {
            return replacement;
        }
        return AvroCelValues.toCel(record.get(field.pos()), field.schema(), types);
    }

    @Override
    public Optional<Object> find(String fieldName) {
        Schema.Field field = record.getSchema().getField(fieldName);
        if (field == null) {
            return Optional.empty();
        }
        if (field.pos() == replaced) {
            return Optional.ofNullable(replacement);
        }
        Object value = record.get(field.pos());
        return value == null ? Optional.empty() : Optional.of(AvroCelValues.toCel(value, field.schema(), types));
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof AvroRecordValue && record.equals(((AvroRecordValue) other).record);
    }

    @Override
    public int hashCode() {
        return record.hashCode();
    }

    @Override
    public String toString() {
        return String.valueOf(record);
    }
}
