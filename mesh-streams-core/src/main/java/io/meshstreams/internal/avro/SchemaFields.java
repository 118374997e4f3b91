package io.meshstreams.internal.avro;

import io.meshstreams.governance.ClassificationScheme;

import org.apache.avro.Schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads an Avro record schema as a flat map of field paths ({@code address.city}) and their properties. */
public final class SchemaFields {
    /** Our field property for a classification: {@code {"name": "email", "type": "string", "classification": "PII"}}. */
    public static final String CLASSIFICATION_PROPERTY = "classification";
    /** Confluent's field tags property, {@code "confluent:tags": ["PII"]}. */
    public static final String CONFLUENT_TAGS_PROPERTY = "confluent:tags";

    private SchemaFields() {
    }

    /** Every field of a record schema by path, nested records (also inside nullable unions) included, in order. */
    public static Map<String, Schema.Field> byPath(Schema schema) {
        Map<String, Schema.Field> fields = new LinkedHashMap<>();
        Schema record = nonNull(schema);
        if (record.getType() == Schema.Type.RECORD) {
            collect(record, "", fields, Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        }
        return fields;
    }

    private static void collect(Schema record, String prefix, Map<String, Schema.Field> fields,
                                java.util.Set<Schema> visiting) {
        if (!visiting.add(record)) {
            return; // recursive type: paths stop at the recursion
        }
        for (Schema.Field field : record.getFields()) {
            String path = prefix + field.name();
            fields.put(path, field);
            Schema type = nonNull(field.schema());
            if (type.getType() == Schema.Type.RECORD) {
                collect(type, path + ".", fields, visiting);
            }
        }
        visiting.remove(record);
    }

    /** The non-null branch of a {@code ["null", X]} union, or the schema itself. */
    public static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> branches = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
            if (branches.size() == 1) {
                return branches.get(0);
            }
        }
        return schema;
    }

    /** True if the field's schema admits null. */
    public static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL || (schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    /**
     * The classification of every classified field, by path: the {@value #CLASSIFICATION_PROPERTY} property, else the
     * highest level of the {@link ClassificationScheme#DEFAULT default scheme} among Confluent's tags.
     */
    public static Map<String, String> classifications(Schema schema) {
        Map<String, String> classified = new LinkedHashMap<>();
        byPath(schema).forEach((path, field) -> classificationOf(field).ifPresent(level -> classified.put(path, level)));
        return classified;
    }

    private static Optional<String> classificationOf(Schema.Field field) {
        Object own = field.getObjectProp(CLASSIFICATION_PROPERTY);
        if (own instanceof String level && !level.isBlank()) {
            return Optional.of(level.trim());
        }
        Object tags = field.getObjectProp(CONFLUENT_TAGS_PROPERTY);
        if (tags instanceof List<?> list) {
            ClassificationScheme scheme = ClassificationScheme.DEFAULT;
            return list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .filter(scheme::contains)
                    .max((a, b) -> Integer.compare(scheme.rank(a).orElse(-1), scheme.rank(b).orElse(-1)));
        }
        return Optional.empty();
    }
}
