package io.meshstreams.internal.registry;

import io.meshstreams.registry.CompatibilityLevel;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Schema compatibility as a registry checks it, with Avro's own {@link SchemaCompatibility}: shared by the embedded
 * registry server and by provisioning, which checks a change before it registers anything.
 */
public final class AvroCompatibility {
    /** Longest old schema text repeated in a compatibility message. */
    private static final int MAX_SCHEMA_IN_MESSAGE = 10 * 1024;

    private AvroCompatibility() {
    }

    /** An existing version to check a new schema against. */
    public record Existing(int version, Schema schema) {
    }

    /**
     * Checks a new schema against a subject's existing versions at a level, the way a registration does. The
     * messages follow Confluent's layout ({@code {errorType:'...', description:'...', additionalInfo:'...'}}, then
     * {@code {oldSchemaVersion: n}}, {@code {oldSchema: '...'}} and {@code {validateFields: 'false', compatibility:
     * 'LEVEL'}}).
     *
     * @param existing the live versions, oldest first
     * @return no messages when compatible
     */
    public static List<String> check(CompatibilityLevel level, Schema candidate, List<Existing> existing) {
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return List.of();
        }
        List<Existing> against = new ArrayList<>(existing);
        Collections.reverse(against); // newest first, as Confluent checks
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
            String description = switch (incompatibility.getType()) {
                case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + info + "' at path '" + path + "' in the "
                        + reader + " schema has no default value and is missing in the " + writer
                        + " schema: give it a default value";
                case TYPE_MISMATCH -> "The type (path '" + path + "') of a field in the " + reader
                        + " schema does not match with the " + writer + " schema";
                case NAME_MISMATCH -> "The name of the schema has changed (path '" + path + "')";
                case FIXED_SIZE_MISMATCH -> "The size of FIXED type field at path '" + path + "' in the " + reader
                        + " schema does not match with the " + writer + " schema";
                case MISSING_ENUM_SYMBOLS -> "The " + reader + " schema is missing enum symbols '" + info
                        + "' at path '" + path + "' in the " + writer + " schema: add them, or give the enum a default";
                case MISSING_UNION_BRANCH -> "The " + reader + " schema is missing a type inside a union field at path '"
                        + path + "' in the " + writer + " schema";
                default -> info;
            };
            messages.add("{errorType:'" + incompatibility.getType() + "', description:'" + description
                    + "', additionalInfo:'" + info + "'}");
        }
        return messages;
    }
}
