package io.meshstreams.registry;

/**
 * The registry answered 404: the subject ({@link RegistryErrorCode#SUBJECT_NOT_FOUND}), the version
 * ({@link RegistryErrorCode#VERSION_NOT_FOUND}), the schema ({@link RegistryErrorCode#SCHEMA_NOT_FOUND})
 * or a subject-level configuration does not exist, or a delete came in the wrong order
 * ({@code 40404}-{@code 40407}). {@link #errorCode()} says which.
 */
public class RegistryNotFoundException extends SchemaRegistryException {
    public RegistryNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
