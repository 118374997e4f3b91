package io.meshstreams.registry;

import io.meshstreams.internal.registry.RestSchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client for Confluent Schema Registry's REST API (v1). It talks to Confluent's registry,
 * Apicurio's ccompat API, Karapace and mesh-streams' embedded registry alike.
 *
 * <pre>{@code
 * try (SchemaRegistryClient registry = SchemaRegistryClient.create(Map.of("schema.registry.url", "http://localhost:8081"))) {
 *     int id = registry.register("orders.order-events.placed.v1-value", SchemaDefinition.avro(schema));
 * }
 * }</pre>
 *
 * <p>Guarantees:
 * <ol>
 *   <li>Thread-safe: one instance serves every thread of an application. Share it between the
 *       publishers and serdes of one application, so that they share its caches and connections.</li>
 *   <li>Cached: {@link #register}, {@link #lookUp} and {@link #schemaById} answer from memory after the
 *       first call with the same arguments, so steady-state serialization makes no HTTP request. The
 *       other reads always ask the registry. Deletes through this client drop the subject's cached entries.</li>
 *   <li>Errors are {@link SchemaRegistryException}s carrying the HTTP status and Confluent's
 *       {@code error_code}; connection failures and 5xx answers are retried as configured in
 *       {@link SchemaRegistryClientConfig}, 4xx answers never.</li>
 *   <li>Whoever creates a client closes it. Serdes close a client only if they created it from their
 *       own configuration, never one handed to them.</li>
 * </ol>
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Creates a client from Confluent's configuration keys; see {@link SchemaRegistryClientConfig}.
     *
     * @throws org.apache.kafka.common.config.ConfigException if a key has an invalid value, naming the key and what is valid
     */
    static SchemaRegistryClient create(Map<String, ?> configs) {
        return RestSchemaRegistryClient.create(new SchemaRegistryClientConfig(configs));
    }

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and
     * returns its global id. Registering a schema that the subject already has returns its id and
     * creates no version. Cached.
     *
     * @throws IncompatibleSchemaException if the subject's compatibility level refuses the schema
     * @throws InvalidSchemaException      if the registry cannot parse the schema
     */
    int register(String subject, SchemaDefinition schema);

    /**
     * Finds {@code schema} among the versions of {@code subject} ({@code POST /subjects/{subject}})
     * without registering it. Cached.
     *
     * @throws RegistryNotFoundException with {@link RegistryErrorCode#SUBJECT_NOT_FOUND} or
     *                                   {@link RegistryErrorCode#SCHEMA_NOT_FOUND} if it is not registered there
     */
    RegisteredSchema lookUp(String subject, SchemaDefinition schema);

    /**
     * The schema with this global id ({@code GET /schemas/ids/{id}}), also if every version that had
     * it was soft-deleted. Cached.
     *
     * @throws RegistryNotFoundException with {@link RegistryErrorCode#SCHEMA_NOT_FOUND} if no schema has the id
     */
    SchemaDefinition schemaById(int id);

    /** Where the schema with this id is registered ({@code GET /schemas/ids/{id}/versions}). */
    List<SubjectVersion> subjectVersionsById(int id);

    /** The live subjects ({@code GET /subjects}). */
    default List<String> subjects() {
        return subjects(false);
    }

    /** The subjects, with soft-deleted ones too if {@code includeDeleted}. */
    List<String> subjects(boolean includeDeleted);

    /** The live versions of {@code subject}, ascending ({@code GET /subjects/{subject}/versions}). */
    List<Integer> versions(String subject);

    /** One version of {@code subject} ({@code GET /subjects/{subject}/versions/{version}}). */
    RegisteredSchema version(String subject, int version);

    /** The latest live version of {@code subject} ({@code GET /subjects/{subject}/versions/latest}). */
    RegisteredSchema latestVersion(String subject);

    /**
     * Whether {@code schema} could be registered as the next version of {@code subject}, tested against
     * the latest version under the subject's compatibility level
     * ({@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}).
     */
    CompatibilityResult testCompatibility(String subject, SchemaDefinition schema);

    /** Whether {@code schema} is compatible with one version of {@code subject}. */
    CompatibilityResult testCompatibility(String subject, int version, SchemaDefinition schema);

    /** The global compatibility level ({@code GET /config}). */
    CompatibilityLevel compatibility();

    /** Sets the global compatibility level ({@code PUT /config}). */
    void setCompatibility(CompatibilityLevel level);

    /**
     * The level configured on {@code subject} itself ({@code GET /config/{subject}}), or empty if it
     * has none and follows the global level.
     */
    Optional<CompatibilityLevel> compatibility(String subject);

    /** Sets the compatibility level of {@code subject} ({@code PUT /config/{subject}}). */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Removes the subject's own level, so that it follows the global level ({@code DELETE /config/{subject}}). */
    void deleteCompatibility(String subject);

    /**
     * Deletes every version of {@code subject} ({@code DELETE /subjects/{subject}}) and returns the
     * versions deleted. A soft delete (permanent = false) hides the versions but keeps their ids
     * readable; a permanent delete is allowed only after a soft delete and removes them.
     */
    List<Integer> deleteSubject(String subject, boolean permanent);

    /** Deletes one version of {@code subject}, soft or permanently as in {@link #deleteSubject}, and returns it. */
    int deleteVersion(String subject, int version, boolean permanent);

    /**
     * How many HTTP requests this client has sent since it was created, retries included. For tests
     * that prove the caches work, and for metrics.
     */
    long requestCount();

    /** Releases connections. Idempotent. Calls after close fail. */
    @Override
    void close();
}
