package io.meshstreams.registry;

import java.util.List;
import java.util.Objects;

/**
 * One version of one subject, as the registry answers {@code GET /subjects/{subject}/versions/{version}}
 * and {@code POST /subjects/{subject}}.
 *
 * @param subject    the subject, e.g. {@code orders.order-events.placed.v1-value}
 * @param id         the schema's global id, the one written into every record's header
 * @param version    the version of the schema under this subject, from 1
 * @param definition the schema text, type and references
 */
public record RegisteredSchema(String subject, int id, int version, SchemaDefinition definition) {
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(definition, "definition");
    }

    /** The schema text; for Avro, the schema's JSON. */
    public String schema() {
        return definition.schema();
    }

    /** The registry's type name, {@value SchemaDefinition#AVRO} for Avro. */
    public String schemaType() {
        return definition.schemaType();
    }

    /** The references this schema makes to types registered elsewhere. */
    public List<SchemaReference> references() {
        return definition.references();
    }
}
