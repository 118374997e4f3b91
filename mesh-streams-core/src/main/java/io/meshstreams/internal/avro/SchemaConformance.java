package io.meshstreams.internal.avro;

import io.meshstreams.contract.Violation;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds where a record does not match its schema, field by field. Only called after serialization failed, so it
 * may take its time; it reports every mismatching field, not just the first.
 */
public final class SchemaConformance {
    private static final int MAX_VALUE_TEXT = 120;

    private SchemaConformance() {
    }

    public static List<Violation> violations(Schema schema, Object value) {
        List<Violation> violations = new ArrayList<>();
        if (!(value instanceof IndexedRecord record)) {
            violations.add(Violation.ofSchema("", "expected a record of " + schema.getFullName() + ", found a "
                    + value.getClass().getName()));
            return violations;
        }
        collect(schema, record, "", violations);
        if (violations.isEmpty()) {
            violations.add(Violation.ofSchema("", "the record does not serialize with " + schema.getFullName()
                    + " although every field validates; check its logical types and custom conversions"));
        }
        return violations;
    }

    private static void collect(Schema schema, IndexedRecord record, String prefix, List<Violation> violations) {
        List<Schema.Field> fields = schema.getFields();
        int available = record.getSchema() == null ? 0 : record.getSchema().getFields().size();
        for (Schema.Field field : fields) {
            String path = prefix + field.name();
            Object fieldValue;
            try {
                fieldValue = field.pos() < available ? record.get(field.pos()) : null;
            } catch (RuntimeException e) {
                violations.add(Violation.ofSchema(path, "the field cannot be read: " + e));
                continue;
            }
            Schema nested = SchemaFields.nonNull(field.schema());
            if (fieldValue instanceof IndexedRecord child && nested.getType() == Schema.Type.RECORD) {
                collect(nested, child, path + ".", violations);
                continue;
            }
            if (!GenericData.get().validate(field.schema(), fieldValue)) {
                violations.add(Violation.ofSchema(path, "expected " + describe(field.schema()) + ", found "
                        + describeValue(fieldValue)));
            }
        }
    }

    private static String describe(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().map(SchemaConformance::describe).toList().toString().replace(", ", " or ")
                    .replace("[", "").replace("]", "");
        }
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getFullName()
                    + (schema.getType() == Schema.Type.ENUM ? " " + schema.getEnumSymbols() : "");
            case ARRAY -> "array of " + describe(schema.getElementType());
            case MAP -> "map of " + describe(schema.getValueType());
            default -> schema.getType().getName();
        };
    }

    private static String describeValue(@Nullable Object value) {
        if (value == null) {
            return "null (the field is not nullable and has no value)";
        }
        String text = String.valueOf(value);
        if (text.length() > MAX_VALUE_TEXT) {
            text = text.substring(0, MAX_VALUE_TEXT) + "...";
        }
        return value.getClass().getSimpleName() + " '" + text + "'";
    }
}
