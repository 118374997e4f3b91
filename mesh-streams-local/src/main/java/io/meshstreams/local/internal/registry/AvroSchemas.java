package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.SchemaReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Avro parsing with Avro's own {@link Schema.Parser}; compatibility is
 * {@link io.meshstreams.internal.registry.AvroCompatibility}, which provisioning shares.
 *
 * <p>A schema with references is parsed after the schemas it references (depth first, each once),
 * with one parser, so that it can name their types. Its canonical text is Avro's
 * {@code toString} of the parsed schema with the referenced types left as names: whitespace and
 * JSON key order do not matter, while docs, defaults and field order do.
 */
final class AvroSchemas {
    /** Looks up the content of a referenced subject version (soft-deleted ones included), or null. */
    interface ReferenceResolver {
        @Nullable SchemaContent resolve(String subject, int version);
    }

    /** A parsed schema and the canonical content it is stored as. */
    record Parsed(Schema schema, SchemaContent content) {
    }

    private AvroSchemas() {
    }

    /**
     * Parses an Avro schema, resolving its references.
     *
     * @throws RegistryException 42201 when the schema or a reference is invalid, saying which
     */
    @SuppressWarnings("deprecation") // toString(referenced, pretty) is what Confluent's canonical form uses too
    static Parsed parse(String text, List<SchemaReference> references, ReferenceResolver resolver) {
        Schema.Parser parser = new Schema.Parser();
        parser.setValidateDefaults(true);
        List<Schema> referenced = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (SchemaReference reference : references) {
            parseReference(reference, resolver, parser, visited, referenced, new HashSet<>());
        }
        Schema schema;
        try {
            schema = parser.parse(text);
        } catch (RuntimeException | StackOverflowError e) {
            throw RegistryException.invalidSchema("Invalid schema of type AVRO, details: " + describe(e)
                    + (references.isEmpty() ? "" : " (references: " + references + ")"));
        }
        String canonical = referenced.isEmpty() ? schema.toString() : schema.toString(referenced, false);
        return new Parsed(schema, new SchemaContent(SchemaContent.AVRO, canonical, references));
    }

    private static void parseReference(SchemaReference reference, ReferenceResolver resolver, Schema.Parser parser,
                                       Set<String> visited, List<Schema> referenced, Set<String> path) {
        String key = reference.subject() + "/" + reference.version();
        if (visited.contains(key)) {
            return;
        }
        if (!path.add(key)) {
            throw RegistryException.invalidSchema("Invalid schema of type AVRO, details: references form a cycle at "
                    + describe(reference));
        }
        SchemaContent content = resolver.resolve(reference.subject(), reference.version());
        if (content == null) {
            throw RegistryException.invalidSchema("Invalid schema of type AVRO, details: reference "
                    + describe(reference) + " does not resolve: subject '" + reference.subject()
                    + "' has no version " + reference.version() + "; register it first");
        }
        if (!SchemaContent.AVRO.equals(content.type())) {
            throw RegistryException.invalidSchema("Invalid schema of type AVRO, details: reference "
                    + describe(reference) + " is a " + content.type() + " schema; an Avro schema can only reference Avro schemas");
        }
        for (SchemaReference nested : content.references()) {
            parseReference(nested, resolver, parser, visited, referenced, path);
        }
        try {
            referenced.add(parser.parse(content.schema()));
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema of type AVRO, details: referenced schema "
                    + describe(reference) + " does not parse together with the others: " + describe(e));
        }
        visited.add(key);
        path.remove(key);
    }

    private static String describe(SchemaReference reference) {
        return "{name=" + reference.name() + ", subject=" + reference.subject() + ", version=" + reference.version() + "}";
    }

    private static String describe(Throwable e) {
        if (e instanceof StackOverflowError) {
            return "the schema is nested too deeply";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
