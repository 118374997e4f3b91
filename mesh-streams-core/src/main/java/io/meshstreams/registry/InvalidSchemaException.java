package io.meshstreams.registry;

/**
 * The registry could not accept the schema text: it is not valid JSON, not a valid schema of its
 * type, or a reference does not resolve (HTTP 422, {@link RegistryErrorCode#INVALID_SCHEMA}).
 */
public class InvalidSchemaException extends SchemaRegistryException {
    public InvalidSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
