package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.SchemaReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.jspecify.annotations.Nullable;

/**
 * Avro parsing and compatibility, with Avro's own {@link Schema.Parser} and {@link SchemaCompatibility}.
 *
 * <p>A schema with references is parsed after the schemas it references (depth first, each once),
 * with one parser, so that it can name their types. Its canonical text is Avro's
 * {@code toString} of the parsed schema with the referenced types left as names: whitespace and
 * JSON key order do not matter, while docs, defaults and field order do.
 */
final class AvroSchemas {
    /** Longest old schema text repeated in a compatibility message. */
    private static final int MAX_SCHEMA_IN_MESSAGE = 10 * 1024;

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

    /** An existing version to check a new schema against. */
    record Existing(int version, Schema schema) {
    }

    /**
     * Checks a new schema against a subject's existing versions at a level, the way a registration
     * does. The messages follow Confluent's layout ({@code {errorType:'...', description:'...',
     * additionalInfo:'...'}}, then {@code {oldSchemaVersion: n}}, {@code {oldSchema: '...'}} and
     * {@code {validateFields: 'false', compatibility: 'LEVEL'}}).
     *
     * @param existing the live versions, oldest first
     * @return no messages when compatible
     */
    static List<String> check(CompatibilityLevel level, Schema candidate, List<Existing> existing) {
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return List.of();
        }
        List<Existing> against = new ArrayList<>(existing);
        java.util.Collections.reverse(against); // newest first, as Confluent checks
        if (!level.isTransitive()) {
            against = against.subList(0, 1);
        }
        for (Existing old : against) {
            List<String> messages = new ArrayList<>();
            if (level.checksForward()) {
                // the old schema reads what the new one writes
                messages.addAll(describe(SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), candidate)
                        .getResult().getIncompatibilities(), "old", "new"));
            }
            if (level.checksBackward()) {
                // the new schema reads what the old one wrote
                messages.addAll(describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old.schema())
                        .getResult().getIncompatibilities(), "new", "old"));
            }
            if (!messages.isEmpty()) {
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                String oldText = old.schema().toString();
                messages.add(oldText.length() <= MAX_SCHEMA_IN_MESSAGE
                        ? "{oldSchema: '" + oldText + "'}"
                        : "{oldSchema: <truncated> '" + oldText.substring(0, MAX_SCHEMA_IN_MESSAGE) + "...'}");
                messages.add("{validateFields: 'false', compatibility: '" + level.name() + "'}");
                return messages;
            }
        }
        return List.of();
    }

    private static List<String> describe(List<Incompatibility> incompatibilities, String reader, String writer) {
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : incompatibilities) {
            String path = incompatibility.getLocation();
            String info = incompatibility.getMessage();
            String description;
            switch (incompatibility.getType()) {
                case READER_FIELD_MISSING_DEFAULT_VALUE:
                    description = "The field '" + info + "' at path '" + path + "' in the " + reader
                            + " schema has no default value and is missing in the " + writer
                            + " schema: give it a default value";
                    break;
                case TYPE_MISMATCH:
                    description = "The type (path '" + path + "') of a field in the " + reader
                            + " schema does not match with the " + writer + " schema";
                    break;
                case NAME_MISMATCH:
                    description = "The name of the schema has changed (path '" + path + "')";
                    break;
                case FIXED_SIZE_MISMATCH:
                    description = "The size of FIXED type field at path '" + path + "' in the " + reader
                            + " schema does not match with the " + writer + " schema";
                    break;
                case MISSING_ENUM_SYMBOLS:
                    description = "The " + reader + " schema is missing enum symbols '" + info + "' at path '"
                            + path + "' in the " + writer + " schema: add them, or give the enum a default";
                    break;
                case MISSING_UNION_BRANCH:
                    description = "The " + reader + " schema is missing a type inside a union field at path '"
                            + path + "' in the " + writer + " schema";
                    break;
                default:
                    description = info;
            }
            messages.add("{errorType:'" + incompatibility.getType() + "', description:'" + description
                    + "', additionalInfo:'" + info + "'}");
        }
        return messages;
    }
}
