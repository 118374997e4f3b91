package io.meshstreams.registry;

import org.jspecify.annotations.Nullable;

/**
 * No registry answered usefully after every retry on every configured URL: connections failed or
 * timed out, or each answer was a 5xx. {@link #httpStatus()} is the last 5xx status, or
 * {@link #NO_RESPONSE} if the last attempt got no answer. The operation may succeed later.
 *
 * <p>Reading a schema by id ({@link SchemaRegistryClient#schemaById}, what deserializers do on a cache
 * miss) goes through a circuit breaker: after such a failure, reads by id fail at once with this
 * exception, sending nothing, for a jittered wait that starts at {@code retries.wait.ms} and doubles
 * with each further failure up to {@code retries.max.wait.ms}; the next read after the wait is one
 * attempt without retries, and any answer closes the breaker. So an outage costs a decoding thread the
 * retry budget once, not once per record. Other requests always use the full retry budget.
 */
public class RegistryUnavailableException extends SchemaRegistryException {
    public RegistryUnavailableException(String message, int httpStatus, int errorCode, @Nullable Throwable cause) {
        super(message, httpStatus, errorCode, cause);
    }
}
