package io.meshstreams.registry;

import java.util.List;
import java.util.Objects;

/**
 * A schema as the registry stores it: its text, its type and the references it makes to schemas
 * registered elsewhere. This is what {@code POST /subjects/{subject}/versions} takes and what
 * {@code GET /schemas/ids/{id}} returns.
 *
 * <p>Two definitions are equal when their text, type and references are equal. The registry
 * compares parsed schemas, so two texts that differ only in whitespace are one schema to the
 * registry but two cache entries to the client: always pass the same text (for Avro,
 * {@code schema.toString()}) for the same schema.
 *
 * @param schema     the schema text; for Avro, the schema's JSON
 * @param schemaType the registry's type name ({@value #AVRO}, {@code PROTOBUF}, {@code JSON})
 * @param references the named types this schema takes from other subjects, in order; empty for most schemas
 */
public record SchemaDefinition(String schema, String schemaType, List<SchemaReference> references) {
    /** The registry's name for Avro schemas; requests omit it because it is the default. */
    public static final String AVRO = "AVRO";

    public SchemaDefinition {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(schemaType, "schemaType");
        references = List.copyOf(references);
    }

    /** An Avro schema given as JSON text, with no references. */
    public static SchemaDefinition avro(String schemaJson) {
        return new SchemaDefinition(schemaJson, AVRO, List.of());
    }

    /** An Avro schema, as its JSON ({@link org.apache.avro.Schema#toString()}), with no references. */
    public static SchemaDefinition avro(org.apache.avro.Schema schema) {
        return avro(schema.toString());
    }

    /** A copy that refers to {@code newReferences} instead. */
    public SchemaDefinition withReferences(List<SchemaReference> newReferences) {
        return new SchemaDefinition(schema, schemaType, newReferences);
    }

    /** True if the type is {@value #AVRO}. */
    public boolean isAvro() {
        return AVRO.equals(schemaType);
    }
}
