package io.meshstreams;

/**
 * The root of mesh-streams' own exceptions. Subclasses say what failed, on which product, port, subject or field,
 * and what to do about it.
 */
public class MeshException extends RuntimeException {
    public MeshException(String message) {
        super(message);
    }

    public MeshException(String message, Throwable cause) {
        super(message, cause);
    }
}
