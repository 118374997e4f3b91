package io.meshstreams.publish;

import org.jspecify.annotations.Nullable;

/**
 * Told where one record went, as Kafka's producer {@code Callback} is: exactly one of the arguments is null.
 * The lightest way to publish asynchronously (no future per record).
 *
 * <ol>
 *   <li>Called on the producer's I/O thread when Kafka acknowledged (or refused) the record, or on the caller's thread
 *       when the contract rejected it (a {@link ContractViolationException}) or the record could not be serialized,
 *       before anything was sent.</li>
 *   <li>In a {@link PortPublisher#transaction transaction}, called when the transaction ends, on the thread that ran
 *       it: with the result when it committed, with the reason when it aborted (the record is not on the port).</li>
 *   <li>Keep it short and never block in it: it runs on the I/O thread every publisher of this producer shares.</li>
 * </ol>
 */
@FunctionalInterface
public interface PublishCallback {
    void onCompletion(@Nullable PublishResult result, @Nullable Exception exception);
}
