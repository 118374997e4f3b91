package io.meshstreams.registry;

/**
 * The {@code error_code} values of Confluent Schema Registry's REST API that mesh-streams speaks.
 * An error body is {@code {"error_code": <code>, "message": "<text>"}}; the HTTP status is the code's
 * first three digits (for the five-digit codes) or the code itself.
 */
public final class RegistryErrorCode {
    /** 404: the subject does not exist (or only soft-deleted versions remain and {@code deleted} was not asked for). */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** 404: the subject has no such version. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** 404: no schema with that id, or the schema is not registered under the subject. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** 404: the subject was already soft-deleted. */
    public static final int SUBJECT_SOFT_DELETED = 40404;
    /** 404: a permanent delete of a subject that was not soft-deleted first. */
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    /** 404: the version was already soft-deleted. */
    public static final int SCHEMA_VERSION_SOFT_DELETED = 40406;
    /** 404: a permanent delete of a version that was not soft-deleted first. */
    public static final int SCHEMA_VERSION_NOT_SOFT_DELETED = 40407;
    /** 404: the subject has no subject-level compatibility configured. */
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** 409: the schema is incompatible with earlier versions under the subject's compatibility level. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** 422: the schema is not valid (not JSON, not Avro, a reference that does not resolve). */
    public static final int INVALID_SCHEMA = 42201;
    /** 422: the version is not a positive integer, {@code latest} or {@code -1}. */
    public static final int INVALID_VERSION = 42202;
    /** 422: the compatibility level is not one of {@link CompatibilityLevel#validNames()}. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** 500: the registry failed to store or read its state. */
    public static final int STORE_ERROR = 50001;
    /** 500: the registry timed out waiting for its store. */
    public static final int OPERATION_TIMEOUT = 50002;

    private RegistryErrorCode() {
    }
}
