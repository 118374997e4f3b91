package io.meshstreams.local.internal.registry;

import java.util.function.Function;

/**
 * Where the registry's state lives. Reads see a consistent {@link RegistryState}; a write decides
 * its change from the state it sees and the store appends that change atomically, so that two
 * writers (threads, or server instances sharing a store topic) never decide from the same state.
 *
 * <ol>
 *   <li>Threading: both methods may be called from any thread. The functions run while the store
 *       holds its state lock: they must be quick and must not call back into the store.</li>
 *   <li>A function signals a client error by throwing {@link RegistryException}; the store passes it
 *       through unchanged and writes nothing.</li>
 *   <li>{@link #write} returns once its records are applied to the state that later reads see.
 *       A store that cannot do so in time throws {@link RegistryException} with 50002 (or 50001).</li>
 * </ol>
 */
interface RegistryStore extends AutoCloseable {

    <T> T read(Function<RegistryState, T> query);

    <T> T write(Function<RegistryState, Mutation<T>> change);

    /** Stops the store's threads and clients; idempotent. */
    @Override
    void close();
}
