package io.meshstreams.internal.registry;

import static io.meshstreams.internal.registry.RegistryHttp.segment;

import com.fasterxml.jackson.core.type.TypeReference;
import io.meshstreams.internal.registry.RegistryJson.CompatibilityResponse;
import io.meshstreams.internal.registry.RegistryJson.ConfigBody;
import io.meshstreams.internal.registry.RegistryJson.IdResponse;
import io.meshstreams.internal.registry.RegistryJson.SchemaRequest;
import io.meshstreams.internal.registry.RegistryJson.SchemaResponse;
import io.meshstreams.internal.registry.RegistryJson.SubjectVersionResponse;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.CompatibilityResult;
import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.RegistryErrorCode;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.SchemaRegistryClientConfig;
import io.meshstreams.registry.SchemaRegistryException;
import io.meshstreams.registry.SubjectVersion;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@link SchemaRegistryClient} over HTTP; see the interface for its guarantees. */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<Integer>> INTEGERS = new TypeReference<>() { };
    private static final TypeReference<List<SubjectVersionResponse>> SUBJECT_VERSIONS = new TypeReference<>() { };

    private record SubjectSchema(String subject, SchemaDefinition schema) {
    }

    /** A 404 for a schema id, remembered until {@code expiresAtNanos}. */
    private record MissingId(String message, int httpStatus, int errorCode, long expiresAtNanos) {
    }

    private final RegistryHttp http;
    private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;
    private final BoundedCache<SubjectSchema, RegisteredSchema> lookUps;
    private final BoundedCache<Integer, SchemaDefinition> schemasById;
    private final BoundedCache<Integer, MissingId> missingIds;
    private final long missingIdTtlNanos;
    private volatile boolean closed;

    private RestSchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.http = new RegistryHttp(config);
        int capacity = config.getInt(SchemaRegistryClientConfig.MAX_SCHEMAS_PER_SUBJECT_CONFIG);
        this.idsBySubjectSchema = new BoundedCache<>(capacity);
        this.lookUps = new BoundedCache<>(capacity);
        this.schemasById = new BoundedCache<>(capacity);
        this.missingIds = new BoundedCache<>(config.getInt(SchemaRegistryClientConfig.MISSING_CACHE_SIZE_CONFIG));
        this.missingIdTtlNanos = config.getLong(SchemaRegistryClientConfig.MISSING_ID_CACHE_TTL_SEC_CONFIG) * 1_000_000_000L;
    }

    public static SchemaRegistryClient create(SchemaRegistryClientConfig config) {
        return new RestSchemaRegistryClient(config);
    }

    @Override
    public int register(String subject, SchemaDefinition schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        IdResponse response = send("POST", "/subjects/" + segment(subject) + "/versions", SchemaRequest.of(schema),
                IdResponse.class);
        int id = require(response.id(), "id", "POST /subjects/" + subject + "/versions");
        idsBySubjectSchema.put(key, id);
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public RegisteredSchema lookUp(String subject, SchemaDefinition schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookUps.get(key);
        if (cached != null) {
            return cached;
        }
        SchemaResponse response = send("POST", "/subjects/" + segment(subject), SchemaRequest.of(schema),
                SchemaResponse.class);
        String request = "POST /subjects/" + subject;
        RegisteredSchema found = new RegisteredSchema(subject, require(response.id(), "id", request),
                require(response.version(), "version", request), schema);
        lookUps.put(key, found);
        schemasById.put(found.id(), schema);
        return found;
    }

    @Override
    public SchemaDefinition schemaById(int id) {
        SchemaDefinition cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        if (missingIdTtlNanos > 0) {
            MissingId missing = missingIds.get(id);
            if (missing != null && System.nanoTime() - missing.expiresAtNanos() < 0) {
                throw new RegistryNotFoundException(missing.message(), missing.httpStatus(), missing.errorCode());
            }
        }
        SchemaResponse response;
        try {
            ensureOpen();
            response = http.read("/schemas/ids/" + id, SchemaResponse.class);
        } catch (RegistryNotFoundException e) {
            if (missingIdTtlNanos > 0) {
                missingIds.put(id, new MissingId(e.getMessage(), e.httpStatus(), e.errorCode(),
                        System.nanoTime() + missingIdTtlNanos));
            }
            throw e;
        }
        require(response.schema(), "schema", "GET /schemas/ids/" + id);
        SchemaDefinition schema = response.definition();
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public List<SubjectVersion> subjectVersionsById(int id) {
        String request = "GET /schemas/ids/" + id + "/versions";
        return send("GET", "/schemas/ids/" + id + "/versions", null, SUBJECT_VERSIONS).stream()
                .map(v -> new SubjectVersion(require(v.subject(), "subject", request), require(v.version(), "version", request)))
                .toList();
    }

    @Override
    public List<String> subjects(boolean includeDeleted) {
        return List.copyOf(send("GET", "/subjects" + (includeDeleted ? "?deleted=true" : ""), null, STRINGS));
    }

    @Override
    public List<Integer> versions(String subject) {
        return List.copyOf(send("GET", "/subjects/" + segment(subject) + "/versions", null, INTEGERS));
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return version(subject, Integer.toString(version));
    }

    @Override
    public RegisteredSchema latestVersion(String subject) {
        return version(subject, "latest");
    }

    private RegisteredSchema version(String subject, String version) {
        String path = "/subjects/" + segment(subject) + "/versions/" + version;
        SchemaResponse response = send("GET", path, null, SchemaResponse.class);
        String request = "GET " + path;
        require(response.schema(), "schema", request);
        RegisteredSchema registered = new RegisteredSchema(
                response.subject() == null ? subject : response.subject(),
                require(response.id(), "id", request), require(response.version(), "version", request),
                response.definition());
        schemasById.put(registered.id(), registered.definition());
        return registered;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, SchemaDefinition schema) {
        return testCompatibility(subject, "latest", schema);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, int version, SchemaDefinition schema) {
        return testCompatibility(subject, Integer.toString(version), schema);
    }

    private CompatibilityResult testCompatibility(String subject, String version, SchemaDefinition schema) {
        String path = "/compatibility/subjects/" + segment(subject) + "/versions/" + version + "?verbose=true";
        CompatibilityResponse response = send("POST", path, SchemaRequest.of(schema), CompatibilityResponse.class);
        boolean compatible = require(response.isCompatible(), "is_compatible", "POST " + path);
        return new CompatibilityResult(compatible, response.messages() == null ? List.of() : response.messages());
    }

    @Override
    public CompatibilityLevel compatibility() {
        return level(send("GET", "/config", null, ConfigBody.class), "GET /config");
    }

    @Override
    public void setCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", new ConfigBody(level.name()), ConfigBody.class);
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        String path = "/config/" + segment(subject);
        try {
            return Optional.of(level(send("GET", path, null, ConfigBody.class), "GET " + path));
        } catch (RegistryNotFoundException e) {
            if (e.errorCode() == RegistryErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED
                    || e.errorCode() == RegistryErrorCode.SUBJECT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + segment(subject), new ConfigBody(level.name()), ConfigBody.class);
    }

    @Override
    public void deleteCompatibility(String subject) {
        send("DELETE", "/config/" + segment(subject), null, Object.class);
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> deleted = send("DELETE", "/subjects/" + segment(subject) + (permanent ? "?permanent=true" : ""),
                null, INTEGERS);
        forget(subject);
        return List.copyOf(deleted);
    }

    @Override
    public int deleteVersion(String subject, int version, boolean permanent) {
        Integer deleted = send("DELETE", "/subjects/" + segment(subject) + "/versions/" + version
                + (permanent ? "?permanent=true" : ""), null, Integer.class);
        forget(subject);
        return deleted;
    }

    /** The registry's base URLs, without credentials, in order. */
    public List<String> baseUrls() {
        return http.baseUrls();
    }

    @Override
    public long requestCount() {
        return http.requestCount();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient" + http.baseUrls();
    }

    private void forget(String subject) {
        idsBySubjectSchema.removeIf(key -> key.subject().equals(subject));
        lookUps.removeIf(key -> key.subject().equals(subject));
    }

    private <T> T send(String method, String path, Object body, Class<T> type) {
        ensureOpen();
        return http.send(method, path, body, type);
    }

    private <T> T send(String method, String path, Object body, TypeReference<T> type) {
        ensureOpen();
        return http.send(method, path, body, type);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This schema registry client " + http.baseUrls()
                    + " is closed; create a new one with SchemaRegistryClient.create(...)");
        }
    }

    private static CompatibilityLevel level(ConfigBody body, String request) {
        String name = require(body.compatibility(), "compatibilityLevel", request);
        return CompatibilityLevel.parse(name).orElseThrow(() -> new SchemaRegistryException("The schema registry answered "
                + request + " with the compatibility level '" + name + "', which is not one of "
                + CompatibilityLevel.validNames() + ".", 200, SchemaRegistryException.NO_RESPONSE));
    }

    private static <T> T require(T value, String field, String request) {
        if (value == null) {
            throw new SchemaRegistryException("The schema registry's answer to " + request + " has no '" + field
                    + "' field. Fix: check that " + SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL_CONFIG
                    + " points at a Confluent-compatible schema registry.", 200, SchemaRegistryException.NO_RESPONSE);
        }
        return Objects.requireNonNull(value);
    }
}
