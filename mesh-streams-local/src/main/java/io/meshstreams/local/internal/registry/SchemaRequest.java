package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.SchemaReference;
import java.util.List;

/**
 * The body of a register, lookup or compatibility request, checked for shape by the HTTP layer.
 *
 * @param schema     the schema text (not yet parsed)
 * @param schemaType the schema type, upper case; {@code AVRO} when the request had none
 * @param references the references, possibly empty
 */
record SchemaRequest(String schema, String schemaType, List<SchemaReference> references) {
    SchemaRequest {
        references = List.copyOf(references);
    }
}
