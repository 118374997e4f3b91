package io.meshstreams.registry;

import org.jspecify.annotations.Nullable;

/**
 * No registry answered usefully after every retry on every configured URL: connections failed or
 * timed out, or each answer was a 5xx. {@link #httpStatus()} is the last 5xx status, or
 * {@link #NO_RESPONSE} if the last attempt got no answer. The operation may succeed later.
 */
public class RegistryUnavailableException extends SchemaRegistryException {
    public RegistryUnavailableException(String message, int httpStatus, int errorCode, @Nullable Throwable cause) {
        super(message, httpStatus, errorCode, cause);
    }
}
