package io.meshstreams.local.registry;

import io.meshstreams.MeshException;

/**
 * The schema registry server could not start: its store topic is unusable (wrong partition count or
 * cleanup policy, not creatable), Kafka was not reachable in time, or the HTTP port could not be
 * bound. The message says which, and what to change.
 */
public class SchemaRegistryStartException extends MeshException {
    private static final long serialVersionUID = 1L;

    public SchemaRegistryStartException(String message) {
        super(message);
    }

    public SchemaRegistryStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
