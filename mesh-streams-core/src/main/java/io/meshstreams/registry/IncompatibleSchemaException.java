package io.meshstreams.registry;

/**
 * The registry refused to register a schema because it is not compatible with earlier versions of
 * the subject under the subject's {@link CompatibilityLevel} (HTTP 409). Make the change compatible
 * (e.g. give a new field a default), or publish a new major version on a new topic.
 */
public class IncompatibleSchemaException extends SchemaRegistryException {
    public IncompatibleSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
