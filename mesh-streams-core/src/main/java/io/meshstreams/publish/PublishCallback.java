package io.meshstreams.publish;

import org.jspecify.annotations.Nullable;

/**
 * Told where one record went, as Kafka's producer {@code Callback} is: exactly one of the arguments is null.
 * The lightest way to publish asynchronously (no future per record).
 *
 * <ol>
 *   <li>Called on the producer's I/O thread when Kafka acknowledged (or refused) the record, or on the caller's thread
 *       when the contract rejected it (a {@link ContractViolationException}) before anything was sent.</li>
 *   <li>Keep it short and never block in it: it runs on the I/O thread every publisher of this producer shares.</li>
 * </ol>
 */
@FunctionalInterface
public interface PublishCallback {
    void onCompletion(@Nullable PublishResult result, @Nullable Exception exception);
}
