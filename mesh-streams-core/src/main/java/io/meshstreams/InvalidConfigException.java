package io.meshstreams;

import org.jspecify.annotations.Nullable;

/**
 * A client's configuration cannot be used: a key is missing, or a value is of the wrong form. The message names the
 * key, what was expected and how to fix it; it never shows the value of a secret.
 */
public class InvalidConfigException extends MeshException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String key;

    public InvalidConfigException(@Nullable String key, String message) {
        super(key == null ? message : key + ": " + message);
        this.key = key;
    }

    /** The key at fault, if one is. */
    public @Nullable String key() {
        return key;
    }
}
