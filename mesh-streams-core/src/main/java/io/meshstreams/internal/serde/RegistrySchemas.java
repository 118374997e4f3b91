package io.meshstreams.internal.serde;

import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaReference;
import io.meshstreams.registry.SchemaRegistryClient;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;

/** Turns a registry's schema text, with its references, into a parsed Avro {@link Schema}. */
final class RegistrySchemas {
    private RegistrySchemas() {
    }

    /**
     * Parses {@code definition}, first parsing every schema it references (fetched from the registry).
     *
     * @throws org.apache.avro.SchemaParseException if a text is not a valid Avro schema
     */
    static Schema parse(SchemaRegistryClient client, SchemaDefinition definition) {
        Schema.Parser parser = new Schema.Parser();
        parseReferences(client, definition, parser, new HashSet<>());
        return parser.parse(definition.schema());
    }

    private static void parseReferences(SchemaRegistryClient client, SchemaDefinition definition, Schema.Parser parser,
                                        Set<SchemaReference> seen) {
        for (SchemaReference reference : definition.references()) {
            if (!seen.add(reference) || parser.getTypes().containsKey(reference.name())) {
                continue;
            }
            RegisteredSchema referenced = client.version(reference.subject(), reference.version());
            parseReferences(client, referenced.definition(), parser, seen);
            if (!parser.getTypes().containsKey(reference.name())) {
                parser.parse(referenced.schema());
            }
        }
    }
}
