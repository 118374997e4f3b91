package io.meshstreams.local.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.SchemaReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The format of the store topic's records. Keys and values are JSON in the layout of Confluent
 * Schema Registry's {@code _schemas} topic, byte for byte for the keys (compaction matches keys by
 * their bytes, so every writer must spell a key the same way):
 *
 * <pre>
 * {"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}
 *     -> {"subject":"orders-value","version":1,"id":1,"schema":"...","deleted":false}
 *        ("schemaType" when not AVRO, "references" when there are any; null value = permanent delete)
 * {"keytype":"CONFIG","magic":0}                         -> {"compatibilityLevel":"FULL"}   (global)
 * {"keytype":"CONFIG","subject":"orders-value","magic":0} -> {"compatibilityLevel":"NONE"}  (null = removed)
 * {"keytype":"MESH_ID_WATERMARK","magic":0}              -> {"maxId":7}
 * </pre>
 *
 * <p>The watermark is ours: Confluent derives the next id from the schemas it has read, which
 * forgets the ids of permanently deleted schemas once the topic is compacted. A Confluent registry
 * reading this topic skips the watermark record (it logs the unknown key type) and reads everything
 * else. This codec reads Confluent's {@code DELETE_SUBJECT} records and ignores its other key types.
 */
final class StoreCodec {
    static final String WATERMARK_KEY_TYPE = "MESH_ID_WATERMARK";

    private StoreCodec() {
    }

    static StoreRecord schemaPut(SchemaVersion version) {
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("subject", version.subject());
        value.put("version", version.version());
        value.put("id", version.id());
        if (!SchemaContent.AVRO.equals(version.content().type())) {
            value.put("schemaType", version.content().type());
        }
        if (!version.content().references().isEmpty()) {
            ArrayNode references = value.putArray("references");
            for (SchemaReference reference : version.content().references()) {
                references.addObject()
                        .put("name", reference.name())
                        .put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
        value.put("schema", version.content().schema());
        value.put("deleted", version.deleted());
        return new StoreRecord(schemaKey(version.subject(), version.version()), bytes(value));
    }

    static StoreRecord schemaTombstone(String subject, int version) {
        return new StoreRecord(schemaKey(subject, version), null);
    }

    static StoreRecord configPut(@Nullable String subject, CompatibilityLevel level) {
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("compatibilityLevel", level.name());
        return new StoreRecord(configKey(subject), bytes(value));
    }

    static StoreRecord configTombstone(@Nullable String subject) {
        return new StoreRecord(configKey(subject), null);
    }

    static StoreRecord idWatermark(int maxId) {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.put("keytype", WATERMARK_KEY_TYPE);
        key.put("magic", 0);
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("maxId", maxId);
        return new StoreRecord(bytes(key), bytes(value));
    }

    private static byte[] schemaKey(String subject, int version) {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return bytes(key);
    }

    private static byte[] configKey(@Nullable String subject) {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject != null) {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return bytes(key);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes one record; never throws: a record it cannot read becomes {@link StoreEvent.Ignored}. */
    static StoreEvent decode(byte @Nullable [] keyBytes, byte @Nullable [] valueBytes) {
        if (keyBytes == null) {
            return new StoreEvent.Ignored("record without a key");
        }
        JsonNode key;
        try {
            key = Json.MAPPER.readTree(keyBytes);
        } catch (IOException e) {
            return new StoreEvent.Ignored("key is not JSON: " + e.getMessage());
        }
        if (key == null || !key.isObject()) {
            return new StoreEvent.Ignored("key is not a JSON object");
        }
        String keyType = key.path("keytype").asText("");
        try {
            switch (keyType) {
                case "SCHEMA": {
                    String subject = requiredText(key, "subject");
                    int version = requiredInt(key, "version");
                    if (valueBytes == null) {
                        return new StoreEvent.SchemaTombstone(subject, version);
                    }
                    JsonNode value = Json.MAPPER.readTree(valueBytes);
                    return new StoreEvent.SchemaPut(schemaVersion(subject, version, value));
                }
                case "CONFIG": {
                    JsonNode subjectNode = key.get("subject");
                    String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
                    if (valueBytes == null) {
                        return new StoreEvent.ConfigTombstone(subject);
                    }
                    JsonNode value = Json.MAPPER.readTree(valueBytes);
                    JsonNode level = value.get("compatibilityLevel");
                    if (level == null || level.isNull()) {
                        // a config record that sets other things (normalize, rules) but no level
                        return new StoreEvent.Ignored("config without compatibilityLevel");
                    }
                    Optional<CompatibilityLevel> parsed = CompatibilityLevel.parse(level.asText());
                    if (parsed.isEmpty()) {
                        return new StoreEvent.Ignored("unknown compatibility level " + level);
                    }
                    return new StoreEvent.ConfigPut(subject, parsed.get());
                }
                case "DELETE_SUBJECT": {
                    if (valueBytes == null) {
                        return new StoreEvent.Ignored("DELETE_SUBJECT tombstone");
                    }
                    JsonNode value = Json.MAPPER.readTree(valueBytes);
                    return new StoreEvent.DeleteSubject(requiredText(key, "subject"), requiredInt(value, "version"));
                }
                case WATERMARK_KEY_TYPE: {
                    if (valueBytes == null) {
                        return new StoreEvent.Ignored("watermark tombstone");
                    }
                    return new StoreEvent.IdWatermark(requiredInt(Json.MAPPER.readTree(valueBytes), "maxId"));
                }
                default:
                    return new StoreEvent.Ignored("key type '" + keyType + "' is not used by this registry");
            }
        } catch (IOException | IllegalArgumentException e) {
            return new StoreEvent.Ignored("bad " + keyType + " record: " + e.getMessage());
        }
    }

    private static SchemaVersion schemaVersion(String subject, int version, JsonNode value) {
        int id = requiredInt(value, "id");
        String schema = requiredText(value, "schema");
        JsonNode typeNode = value.get("schemaType");
        String type = typeNode == null || typeNode.isNull() ? SchemaContent.AVRO : typeNode.asText();
        List<SchemaReference> references = new ArrayList<>();
        JsonNode referencesNode = value.get("references");
        if (referencesNode != null && referencesNode.isArray()) {
            for (JsonNode reference : referencesNode) {
                references.add(new SchemaReference(requiredText(reference, "name"),
                        requiredText(reference, "subject"), requiredInt(reference, "version")));
            }
        }
        boolean deleted = value.path("deleted").asBoolean(false);
        return new SchemaVersion(subject, version, id, new SchemaContent(type, schema, references), deleted);
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing text field '" + field + "'");
        }
        return value.asText();
    }

    private static int requiredInt(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("missing integer field '" + field + "'");
        }
        return value.intValue();
    }
}
