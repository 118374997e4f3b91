package io.meshstreams.internal.contract;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.StructValue;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as a CEL struct for dev.cel's interpreter: a read-only view, nothing is copied. A
 * field is found by name in the record's own schema and converted by {@link AvroCelValues} when a
 * rule selects it. A null field is absent: {@code has(message.f)} is false, and selecting it gives
 * {@code null}. Inside arrays and maps dev.cel unwraps it to the record and wraps it again through
 * {@link AvroCelValueProvider} before it selects a field.
 */
final class AvroRecordValue extends StructValue<String, IndexedRecord> {
    private final IndexedRecord record;
    private final AvroCelTypes types;

    AvroRecordValue(IndexedRecord record, AvroCelTypes types) {
        this.record = record;
        this.types = types;
    }

    @Override
    public IndexedRecord value() {
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
        return AvroCelValues.toCel(record.get(field.pos()), field.schema(), types);
    }

    @Override
    public Optional<Object> find(String fieldName) {
        Schema.Field field = record.getSchema().getField(fieldName);
        if (field == null) {
            return Optional.empty();
        }
        Object value = record.get(field.pos());
        return value == null ? Optional.empty() : Optional.of(AvroCelValues.toCel(value, field.schema(), types));
    }

    @Override
    public String toString() {
        return String.valueOf(record);
    }
}
