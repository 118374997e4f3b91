package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.RegistryErrorCode;

/**
 * A failed registry operation, carrying what the REST API answers: the HTTP status, Confluent's
 * {@code error_code} and a message that says what was wrong and what is valid. The factories name
 * every error the server can give, with Confluent's wording where Confluent has one, so that a
 * client grepping for Confluent's messages finds them here too.
 */
final class RegistryException extends RuntimeException {
    /** 422: the version is referenced by another schema (Confluent's 42206). */
    static final int REFERENCE_EXISTS = 42206;
    /** 422: the schema does not fit in one record of the store topic (Confluent's 42209). */
    static final int SCHEMA_TOO_LARGE = 42209;
    /** 422: a mode that is not one of the valid modes (Confluent's 42204). */
    static final int INVALID_MODE = 42204;
    /** 422: the operation is not permitted (Confluent's 42205). */
    static final int OPERATION_NOT_PERMITTED = 42205;
    /** 404: the subject has no subject-level mode (Confluent's 40409). */
    static final int SUBJECT_LEVEL_MODE_NOT_CONFIGURED = 40409;

    static final String VALID_VERSIONS = "Allowed values are between [1, 2^31-1] and the string \"latest\"";

    private final int status;
    private final int errorCode;

    RegistryException(int status, int errorCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    RegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }

    // ---- 400, 404, 405, 413, 422 without a five-digit code: the HTTP layer's own errors

    static RegistryException badRequest(String message) {
        return new RegistryException(400, 400, message);
    }

    static RegistryException unprocessable(String message) {
        return new RegistryException(422, 422, message);
    }

    static RegistryException notFound(String message) {
        return new RegistryException(404, 404, message);
    }

    static RegistryException methodNotAllowed(String method, String path, String allowed) {
        return new RegistryException(405, 405,
                "HTTP 405 Method Not Allowed: " + method + " is not allowed on " + path + "; allowed: " + allowed);
    }

    static RegistryException bodyTooLarge(long limit) {
        return new RegistryException(413, 413,
                "Request body too large: the limit is " + limit + " bytes");
    }

    // ---- 404

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, RegistryErrorCode.SUBJECT_NOT_FOUND,
                "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(int version) {
        return new RegistryException(404, RegistryErrorCode.VERSION_NOT_FOUND,
                "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound() {
        return new RegistryException(404, RegistryErrorCode.SCHEMA_NOT_FOUND, "Schema not found");
    }

    static RegistryException schemaNotFound(String id) {
        return new RegistryException(404, RegistryErrorCode.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(404, RegistryErrorCode.SUBJECT_SOFT_DELETED,
                "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
    }

    static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, RegistryErrorCode.SUBJECT_NOT_SOFT_DELETED,
                "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(404, RegistryErrorCode.SCHEMA_VERSION_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was soft deleted.Set permanent=true to delete permanently");
    }

    static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(404, RegistryErrorCode.SCHEMA_VERSION_NOT_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was not deleted first before being permanently deleted");
    }

    static RegistryException subjectLevelCompatibilityNotConfigured(String subject) {
        return new RegistryException(404, RegistryErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryException subjectLevelModeNotConfigured(String subject) {
        return new RegistryException(404, SUBJECT_LEVEL_MODE_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level mode configured");
    }

    // ---- 409

    static RegistryException incompatible(String subject, java.util.List<String> messages) {
        return new RegistryException(409, RegistryErrorCode.INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \""
                        + subject + "\", details: " + messages);
    }

    // ---- 422

    static RegistryException invalidSchema(String message) {
        return new RegistryException(422, RegistryErrorCode.INVALID_SCHEMA, message);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(422, RegistryErrorCode.INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id. " + VALID_VERSIONS);
    }

    static RegistryException invalidCompatibilityLevel(String found) {
        return new RegistryException(422, RegistryErrorCode.INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level " + found + ". Valid values are " + CompatibilityLevel.validNames());
    }

    static RegistryException referenceExists(String subject, int version) {
        return new RegistryException(422, REFERENCE_EXISTS,
                "One or more references exist to the schema {subject=" + subject + ", version=" + version
                        + "}; delete the referencing schemas first (GET /subjects/" + subject + "/versions/"
                        + version + "/referencedby lists their ids)");
    }

    static RegistryException schemaTooLarge(String detail) {
        return new RegistryException(422, SCHEMA_TOO_LARGE,
                "Register operation failed because schema is too large: " + detail);
    }

    // ---- 500

    static RegistryException storeError(String message, Throwable cause) {
        return new RegistryException(500, RegistryErrorCode.STORE_ERROR, message, cause);
    }

    static RegistryException timeout(String message, Throwable cause) {
        return new RegistryException(500, RegistryErrorCode.OPERATION_TIMEOUT, message, cause);
    }
}
