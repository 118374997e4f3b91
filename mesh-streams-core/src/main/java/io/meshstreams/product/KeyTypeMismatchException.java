package io.meshstreams.product;

import io.meshstreams.MeshException;

/**
 * A port's keys were asked for as another Java type than the one its key field gives them: a {@code string} key
 * field gives {@code String} keys, an {@code int} one {@code Integer}, a {@code long} one {@code Long}, and a key
 * that the reader sees hashed is a {@code String}. The message names the port, the key field and its type, the type
 * asked for, and the call to make instead.
 */
public class KeyTypeMismatchException extends MeshException {
    public KeyTypeMismatchException(String message) {
        super(message);
    }
}
