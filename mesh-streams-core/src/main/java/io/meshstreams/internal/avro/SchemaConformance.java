package io.meshstreams.internal.avro;

import io.meshstreams.contract.Violation;
import io.meshstreams.internal.contract.FieldClassifications;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds where a record does not match its schema, field by field, into records, array elements ({@code items[2]}),
 * map values ({@code attributes["gift"]}) and union branches. Only called after serialization failed, so it may take
 * its time; it reports every mismatching field, not just the first (at most {@value #MAX_PER_COLLECTION} per array or
 * map).
 *
 * <p>Its messages are our own, never Avro's (whose texts quote the value: {@code Not in union [...]: <value>}): the
 * path, the expected type, and the type found, with the value only where it is not classified ({@code found Long
 * <PII>} otherwise; see {@link FieldClassifications}).
 */
public final class SchemaConformance {
    private static final int MAX_VALUE_TEXT = 120;
    private static final int MAX_PER_COLLECTION = 10;

    private SchemaConformance() {
    }

    public static List<Violation> violations(Schema schema, Object value, FieldClassifications classified) {
        List<Violation> violations = new ArrayList<>();
        if (!(value instanceof IndexedRecord record)) {
            violations.add(Violation.ofSchema("", "expected a record of " + schema.getFullName() + ", found a "
                    + value.getClass().getName()));
            return violations;
        }
        collect(schema, record, "", classified.root(), violations);
        if (violations.isEmpty()) {
            violations.add(Violation.ofSchema("", "the record does not serialize with " + schema.getFullName()
                    + " although every field validates; check its logical types and custom conversions"));
        }
        return violations;
    }

    private static void collect(Schema schema, IndexedRecord record, String prefix,
                                FieldClassifications.Position position, List<Violation> violations) {
        List<Schema.Field> fields = schema.getFields();
        int available = record.getSchema() == null ? 0 : record.getSchema().getFields().size();
        for (Schema.Field field : fields) {
            String path = prefix + field.name();
            FieldClassifications.Position at = position.field(field.name());
            Object fieldValue;
            try {
                fieldValue = field.pos() < available ? record.get(field.pos()) : null;
            } catch (RuntimeException e) {
                String withheld = at.withheld();
                violations.add(Violation.ofSchema(path, "the field cannot be read: " + e.getClass().getName()
                        + (withheld == null ? ": " + e.getMessage()
                        : " (its message is withheld: the field is classified " + withheld + ")")));
                continue;
            }
            check(field.schema(), fieldValue, path, at, violations);
        }
    }

    private static void check(Schema type, @Nullable Object value, String path, FieldClassifications.Position at,
                              List<Violation> violations) {
        if (validates(type, value)) {
            return;
        }
        int before = violations.size();
        Schema target = type.getType() == Schema.Type.UNION ? branchFor(type, value) : type;
        FieldClassifications.Position position = target == type ? at : target == null ? at : at.branch(target);
        if (target != null && target.getType() == Schema.Type.RECORD && value instanceof IndexedRecord child) {
            collect(target, child, path + ".", position, violations);
        } else if (target != null && target.getType() == Schema.Type.ARRAY && value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                if (violations.size() - before == MAX_PER_COLLECTION) {
                    violations.add(Violation.ofSchema(path, "more elements do not match "
                            + describe(target.getElementType()) + "; the first " + MAX_PER_COLLECTION
                            + " are listed"));
                    return;
                }
                check(target.getElementType(), item, path + "[" + index++ + "]", position.element(), violations);
            }
        } else if (target != null && target.getType() == Schema.Type.MAP && value instanceof Map<?, ?> map) {
            boolean showKeys = position.withheld() == null;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (violations.size() - before == MAX_PER_COLLECTION) {
                    violations.add(Violation.ofSchema(path, "more values do not match "
                            + describe(target.getValueType()) + "; the first " + MAX_PER_COLLECTION + " are listed"));
                    return;
                }
                String key = showKeys ? quoted(String.valueOf(entry.getKey()))
                        : FieldClassifications.placeholder(position.withheld());
                check(target.getValueType(), entry.getValue(), path + "[" + key + "]", position.mapValue(),
                        violations);
            }
        }
        if (violations.size() == before) {
            violations.add(Violation.ofSchema(path, "expected " + describe(type) + ", found "
                    + describeValue(value, at.withheld())));
        }
    }

    /** Avro's own check; a value whose reading throws does not validate. */
    private static boolean validates(Schema type, @Nullable Object value) {
        try {
            return GenericData.get().validate(type, value);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The branch of a union that the value is meant for, as far as its kind tells; null if none or several. */
    private static @Nullable Schema branchFor(Schema union, @Nullable Object value) {
        Schema found = null;
        for (Schema branch : union.getTypes()) {
            boolean fits = switch (branch.getType()) {
                case RECORD -> value instanceof IndexedRecord record && record.getSchema() != null
                        && record.getSchema().getFullName().equals(branch.getFullName());
                case ARRAY -> value instanceof Collection<?>;
                case MAP -> value instanceof Map<?, ?>;
                default -> false;
            };
            if (fits) {
                if (found != null) {
                    return null;
                }
                found = branch;
            }
        }
        return found;
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

    private static String describeValue(@Nullable Object value, @Nullable String withheld) {
        if (value == null) {
            return "null (the field is not nullable and has no value)";
        }
        if (withheld != null) {
            return value.getClass().getSimpleName() + " " + FieldClassifications.placeholder(withheld);
        }
        String text = String.valueOf(value);
        if (text.length() > MAX_VALUE_TEXT) {
            text = text.substring(0, MAX_VALUE_TEXT) + "...";
        }
        return value.getClass().getSimpleName() + " '" + text + "'";
    }

    private static String quoted(String key) {
        String cut = key.length() > MAX_VALUE_TEXT ? key.substring(0, MAX_VALUE_TEXT) + "..." : key;
        return "\"" + cut.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
