package io.meshstreams.local.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshstreams.internal.registry.AvroCompatibility;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.SchemaReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The registry's operations, one per REST endpoint, with Confluent Schema Registry's semantics.
 * Each answers a JSON value or throws {@link RegistryException}. Thread-safe: all state is in the
 * {@link RegistryStore}; the cache of parsed schemas is keyed by id, and an id's schema never changes.
 */
final class RegistryService {
    static final List<String> SCHEMA_TYPES = List.of(SchemaContent.AVRO);
    static final String MODE = "READWRITE";
    static final List<String> VALID_MODES = List.of("READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT");

    private final RegistryStore store;
    private final Map<Integer, Schema> parsedById = new ConcurrentHashMap<>();

    RegistryService(RegistryStore store) {
        this.store = store;
    }

    // ---- subjects

    JsonNode listSubjects(boolean deleted, @Nullable String prefix) {
        List<String> subjects = store.read(state -> state.subjects(deleted));
        ArrayNode result = Json.MAPPER.createArrayNode();
        subjects.stream().filter(s -> prefix == null || s.startsWith(prefix)).forEach(result::add);
        return result;
    }

    JsonNode register(String subject, SchemaRequest request) {
        int id = store.write(state -> {
            AvroSchemas.Parsed parsed = parse(request, state);
            String identity = parsed.content().identity();
            SchemaVersion existing = state.versionWithIdentity(subject, identity, false);
            if (existing != null) {
                return Mutation.unchanged(existing.id());
            }
            CompatibilityLevel level = state.effectiveLevel(subject);
            List<String> messages = AvroCompatibility.check(level, parsed.schema(), existing(state, state.versions(subject, false)));
            if (!messages.isEmpty()) {
                throw RegistryException.incompatible(subject, messages);
            }
            List<StoreRecord> records = new ArrayList<>();
            Integer known = state.idForIdentity(identity);
            int schemaId;
            if (known != null) {
                schemaId = known;
            } else {
                schemaId = state.maxId() + 1;
                records.add(StoreCodec.idWatermark(schemaId));
            }
            int version = state.nextVersion(subject);
            // as Confluent does: a soft-deleted earlier version with the same id gives way to the new one
            for (SchemaVersion old : state.versions(subject, true)) {
                if (old.deleted() && old.id() == schemaId
                        && state.referencedBy(subject, old.version(), true).isEmpty()) {
                    records.add(StoreCodec.schemaTombstone(subject, old.version()));
                }
            }
            records.add(StoreCodec.schemaPut(new SchemaVersion(subject, version, schemaId, parsed.content(), false)));
            return new Mutation<>(records, schemaId);
        });
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("id", id);
        return result;
    }

    JsonNode lookup(String subject, SchemaRequest request, boolean deleted) {
        return store.read(state -> {
            AvroSchemas.Parsed parsed = parse(request, state);
            SchemaVersion found = state.versionWithIdentity(subject, parsed.content().identity(), deleted);
            if (found == null) {
                if (!state.hasSubject(subject, deleted)) {
                    throw RegistryException.subjectNotFound(subject);
                }
                throw RegistryException.schemaNotFound();
            }
            return versionJson(found);
        });
    }

    JsonNode deleteSubject(String subject, boolean permanent) {
        List<Integer> deleted = store.write(state -> {
            if (!state.hasSubject(subject, true)) {
                throw RegistryException.subjectNotFound(subject);
            }
            if (!permanent && !state.hasSubject(subject, false)) {
                throw RegistryException.subjectSoftDeleted(subject);
            }
            List<SchemaVersion> versions = state.versions(subject, permanent);
            List<StoreRecord> records = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            for (SchemaVersion version : versions) {
                if (state.isReferencedFromOtherSubject(subject, version.version(), permanent)) {
                    throw RegistryException.referenceExists(subject, version.version());
                }
                if (permanent && !version.deleted()) {
                    throw RegistryException.subjectNotSoftDeleted(subject);
                }
                numbers.add(version.version());
            }
            if (permanent) {
                for (int i = versions.size() - 1; i >= 0; i--) {
                    records.add(StoreCodec.schemaTombstone(subject, versions.get(i).version()));
                }
                if (state.subjectLevel(subject) != null) {
                    records.add(StoreCodec.configTombstone(subject));
                }
            } else {
                for (SchemaVersion version : versions) {
                    records.add(StoreCodec.schemaPut(version.softDeleted()));
                }
            }
            return new Mutation<>(records, numbers);
        });
        ArrayNode result = Json.MAPPER.createArrayNode();
        deleted.forEach(result::add);
        return result;
    }

    // ---- versions

    JsonNode listVersions(String subject, boolean deleted) {
        List<SchemaVersion> versions = store.read(state -> {
            if (!state.hasSubject(subject, deleted)) {
                throw RegistryException.subjectNotFound(subject);
            }
            return state.versions(subject, deleted);
        });
        ArrayNode result = Json.MAPPER.createArrayNode();
        versions.forEach(v -> result.add(v.version()));
        return result;
    }

    JsonNode getVersion(String subject, String version, boolean deleted) {
        return versionJson(findVersion(subject, VersionId.parse(version), deleted));
    }

    /** The schema text of a version, as the JSON value it is. */
    JsonNode getVersionSchema(String subject, String version, boolean deleted) {
        SchemaVersion found = findVersion(subject, VersionId.parse(version), deleted);
        try {
            return Json.MAPPER.readTree(found.content().schema());
        } catch (java.io.IOException e) {
            throw RegistryException.storeError("Stored schema of subject '" + subject + "' version "
                    + found.version() + " is not JSON: " + e.getMessage(), e);
        }
    }

    JsonNode referencedBy(String subject, String version, boolean deleted) {
        int number = VersionId.parse(version);
        List<Integer> ids = store.read(state -> {
            SchemaVersion found = number == VersionId.LATEST ? state.latest(subject) : state.version(subject, number, deleted);
            if (found == null) {
                throw notFound(state, subject, number, deleted);
            }
            return state.referencedBy(subject, found.version(), deleted);
        });
        ArrayNode result = Json.MAPPER.createArrayNode();
        ids.forEach(result::add);
        return result;
    }

    private SchemaVersion findVersion(String subject, int version, boolean deleted) {
        return store.read(state -> {
            SchemaVersion found = version == VersionId.LATEST ? state.latest(subject) : state.version(subject, version, deleted);
            if (found == null) {
                throw notFound(state, subject, version, deleted);
            }
            return found;
        });
    }

    private static RegistryException notFound(RegistryState state, String subject, int version, boolean deleted) {
        if (!state.hasSubject(subject, deleted)) {
            return RegistryException.subjectNotFound(subject);
        }
        return RegistryException.versionNotFound(version);
    }

    JsonNode deleteVersion(String subject, String versionText, boolean permanent) {
        int version = VersionId.parse(versionText);
        int deleted = store.write(state -> {
            SchemaVersion found = version == VersionId.LATEST ? state.latest(subject) : state.version(subject, version, true);
            if (found != null && !permanent && found.deleted()) {
                throw RegistryException.versionSoftDeleted(subject, version);
            }
            if (found == null) {
                throw notFound(state, subject, version, true);
            }
            if (permanent && !found.deleted()) {
                throw RegistryException.versionNotSoftDeleted(subject, found.version());
            }
            if (!state.referencedBy(subject, found.version(), permanent).isEmpty()) {
                throw RegistryException.referenceExists(subject, found.version());
            }
            List<StoreRecord> records = new ArrayList<>();
            if (permanent) {
                records.add(StoreCodec.schemaTombstone(subject, found.version()));
                if (state.versions(subject, true).size() == 1 && state.subjectLevel(subject) != null) {
                    records.add(StoreCodec.configTombstone(subject));
                }
            } else {
                records.add(StoreCodec.schemaPut(found.softDeleted()));
            }
            return new Mutation<>(records, found.version());
        });
        return Json.MAPPER.getNodeFactory().numberNode(deleted);
    }

    // ---- ids

    JsonNode schemaById(String idText) {
        int id = parseId(idText);
        SchemaContent content = store.read(state -> state.schemaById(id));
        if (content == null) {
            throw RegistryException.schemaNotFound(String.valueOf(id));
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        if (!SchemaContent.AVRO.equals(content.type())) {
            result.put("schemaType", content.type());
        }
        putReferences(result, content.references());
        result.put("schema", content.schema());
        return result;
    }

    JsonNode schemaTextById(String idText) {
        int id = parseId(idText);
        SchemaContent content = store.read(state -> state.schemaById(id));
        if (content == null) {
            throw RegistryException.schemaNotFound(String.valueOf(id));
        }
        try {
            return Json.MAPPER.readTree(content.schema());
        } catch (java.io.IOException e) {
            throw RegistryException.storeError("Stored schema " + id + " is not JSON: " + e.getMessage(), e);
        }
    }

    JsonNode versionsById(String idText, boolean deleted) {
        int id = parseId(idText);
        List<SchemaVersion> versions = store.read(state -> {
            if (state.schemaById(id) == null) {
                throw RegistryException.schemaNotFound();
            }
            return state.versionsById(id, deleted);
        });
        ArrayNode result = Json.MAPPER.createArrayNode();
        for (SchemaVersion version : versions) {
            result.addObject().put("subject", version.subject()).put("version", version.version());
        }
        return result;
    }

    JsonNode subjectsById(String idText, boolean deleted) {
        int id = parseId(idText);
        List<SchemaVersion> versions = store.read(state -> {
            if (state.schemaById(id) == null) {
                throw RegistryException.schemaNotFound();
            }
            return state.versionsById(id, deleted);
        });
        ArrayNode result = Json.MAPPER.createArrayNode();
        versions.stream().map(SchemaVersion::subject).distinct().forEach(result::add);
        return result;
    }

    /** Parses a schema id path segment; one that cannot be an id is a schema that is not found. */
    static int parseId(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new RegistryException(404, io.meshstreams.registry.RegistryErrorCode.SCHEMA_NOT_FOUND,
                    "Schema " + text + " not found: a schema id is an integer between 1 and 2147483647");
        }
    }

    JsonNode schemaTypes() {
        ArrayNode result = Json.MAPPER.createArrayNode();
        SCHEMA_TYPES.forEach(result::add);
        return result;
    }

    // ---- compatibility

    /** Checks against one version ({@code version} not null) or against the subject's live versions. */
    JsonNode checkCompatibility(String subject, @Nullable String version, SchemaRequest request, boolean verbose) {
        Integer number = version == null ? null : VersionId.parse(version);
        List<String> messages = store.read(state -> {
            // SCHEMA_REGISTRY.md and Confluent's API reference answer 40401 for a subject with no live version.
            // (Confluent's server itself answers 200 for "latest" there; we follow the documented contract.)
            if (state.versions(subject, false).isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            List<SchemaVersion> against;
            if (number == null) {
                against = state.versions(subject, false);
            } else {
                SchemaVersion found = number == VersionId.LATEST ? state.latest(subject) : state.version(subject, number, false);
                if (found == null && number != VersionId.LATEST) {
                    throw RegistryException.versionNotFound(number);
                }
                against = found == null ? List.of() : List.of(found);
            }
            AvroSchemas.Parsed parsed;
            try {
                parsed = parse(request, state);
            } catch (RegistryException e) {
                if (verbose && e.errorCode() == io.meshstreams.registry.RegistryErrorCode.INVALID_SCHEMA) {
                    return List.of(e.getMessage());
                }
                throw e;
            }
            return AvroCompatibility.check(state.effectiveLevel(subject), parsed.schema(), existing(state, against));
        });
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("is_compatible", messages.isEmpty());
        if (verbose) {
            ArrayNode list = result.putArray("messages");
            messages.forEach(list::add);
        }
        return result;
    }

    // ---- config

    JsonNode getGlobalConfig() {
        CompatibilityLevel level = store.read(state -> state.effectiveLevel(null));
        return levelJson("compatibilityLevel", level);
    }

    JsonNode putConfig(@Nullable String subject, JsonNode body) {
        CompatibilityLevel level = parseLevel(body);
        store.write(state -> new Mutation<>(List.of(StoreCodec.configPut(subject, level)), level));
        return levelJson("compatibility", level);
    }

    JsonNode deleteGlobalConfig() {
        CompatibilityLevel old = store.write(state -> {
            CompatibilityLevel level = state.effectiveLevel(null);
            List<StoreRecord> records = state.globalLevel() == null ? List.of() : List.of(StoreCodec.configTombstone(null));
            return new Mutation<>(records, level);
        });
        return levelJson("compatibilityLevel", old);
    }

    JsonNode getSubjectConfig(String subject, boolean defaultToGlobal) {
        CompatibilityLevel level = store.read(state -> {
            CompatibilityLevel own = state.subjectLevel(subject);
            if (own == null) {
                if (defaultToGlobal) {
                    return state.effectiveLevel(null);
                }
                throw RegistryException.subjectLevelCompatibilityNotConfigured(subject);
            }
            return own;
        });
        return levelJson("compatibilityLevel", level);
    }

    JsonNode deleteSubjectConfig(String subject) {
        CompatibilityLevel old = store.write(state -> {
            CompatibilityLevel own = state.subjectLevel(subject);
            if (own == null) {
                throw RegistryException.subjectNotFound(subject);
            }
            return new Mutation<>(List.of(StoreCodec.configTombstone(subject)), own);
        });
        return levelJson("compatibilityLevel", old);
    }

    private static CompatibilityLevel parseLevel(JsonNode body) {
        JsonNode value = body.get("compatibility");
        if (value == null || value.isNull()) {
            throw new RegistryException(422, io.meshstreams.registry.RegistryErrorCode.INVALID_COMPATIBILITY_LEVEL,
                    "Missing field \"compatibility\": send {\"compatibility\": \"BACKWARD\"}. Valid values are "
                            + CompatibilityLevel.validNames());
        }
        if (!value.isTextual()) {
            throw RegistryException.invalidCompatibilityLevel(value.toString());
        }
        return CompatibilityLevel.parse(value.asText())
                .orElseThrow(() -> RegistryException.invalidCompatibilityLevel("'" + value.asText() + "'"));
    }

    private static JsonNode levelJson(String field, CompatibilityLevel level) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put(field, level.name());
        return result;
    }

    // ---- mode

    JsonNode getMode() {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("mode", MODE);
        return result;
    }

    JsonNode getSubjectMode(String subject, boolean defaultToGlobal) {
        if (!defaultToGlobal) {
            throw RegistryException.subjectLevelModeNotConfigured(subject);
        }
        return getMode();
    }

    JsonNode putMode(JsonNode body) {
        JsonNode mode = body.get("mode");
        String text = mode == null || mode.isNull() ? "" : mode.asText();
        if (!VALID_MODES.contains(text.toUpperCase(java.util.Locale.ROOT))) {
            throw new RegistryException(422, RegistryException.INVALID_MODE,
                    "Invalid mode " + (mode == null ? "(missing field \"mode\")" : mode.toString())
                            + ". Valid values are " + String.join(", ", VALID_MODES));
        }
        if (!MODE.equalsIgnoreCase(text)) {
            throw new RegistryException(422, RegistryException.OPERATION_NOT_PERMITTED,
                    "Mode changes are not supported by the embedded registry: it is always " + MODE);
        }
        return getMode();
    }

    // ---- helpers

    private AvroSchemas.Parsed parse(SchemaRequest request, RegistryState state) {
        if (!SchemaContent.AVRO.equals(request.schemaType())) {
            throw RegistryException.invalidSchema("Invalid schema type " + request.schemaType()
                    + ": this registry supports " + String.join(", ", SCHEMA_TYPES));
        }
        return AvroSchemas.parse(request.schema(), request.references(), (s, v) -> {
            SchemaVersion version = state.version(s, v, true);
            return version == null ? null : version.content();
        });
    }

    private List<AvroCompatibility.Existing> existing(RegistryState state, List<SchemaVersion> versions) {
        List<AvroCompatibility.Existing> result = new ArrayList<>(versions.size());
        for (SchemaVersion version : versions) {
            Schema schema = parsedById.get(version.id());
            if (schema == null) {
                SchemaRequest stored = new SchemaRequest(version.content().schema(), version.content().type(),
                        version.content().references());
                try {
                    schema = parse(stored, state).schema();
                } catch (RegistryException e) {
                    throw RegistryException.storeError("Stored schema " + version.id() + " of subject '"
                            + version.subject() + "' version " + version.version() + " no longer parses: "
                            + e.getMessage(), e);
                }
                parsedById.put(version.id(), schema);
            }
            result.add(new AvroCompatibility.Existing(version.version(), schema));
        }
        return result;
    }

    private static ObjectNode versionJson(SchemaVersion version) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("subject", version.subject());
        result.put("version", version.version());
        result.put("id", version.id());
        if (!SchemaContent.AVRO.equals(version.content().type())) {
            result.put("schemaType", version.content().type());
        }
        putReferences(result, version.content().references());
        result.put("schema", version.content().schema());
        if (version.deleted()) {
            result.put("deleted", true);
        }
        return result;
    }

    private static void putReferences(ObjectNode node, List<SchemaReference> references) {
        if (!references.isEmpty()) {
            ArrayNode array = node.putArray("references");
            for (SchemaReference reference : references) {
                array.addObject().put("name", reference.name()).put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
    }
}
