package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.SchemaReference;
import java.util.List;
import java.util.Objects;

/**
 * What a schema id stands for: the schema type, the schema text in its canonical form and the
 * references it was registered with. Two registrations are "the same schema" exactly when their
 * {@link #identity()} is equal.
 *
 * @param type       the schema type, {@code AVRO} for every schema this server accepts
 * @param schema     the canonical schema text (Avro's {@code Schema.toString()} of the parsed schema,
 *                   referenced types by name)
 * @param references the references, in request order
 */
record SchemaContent(String type, String schema, List<SchemaReference> references) {
    static final String AVRO = "AVRO";

    SchemaContent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        references = List.copyOf(references);
    }

    /** The key under which equal schemas share an id. */
    String identity() {
        StringBuilder key = new StringBuilder(type).append('\u0000');
        for (SchemaReference reference : references) {
            key.append(reference.name()).append('\u0001').append(reference.subject()).append('\u0001')
                    .append(reference.version()).append('\u0002');
        }
        return key.append('\u0000').append(schema).toString();
    }
}
