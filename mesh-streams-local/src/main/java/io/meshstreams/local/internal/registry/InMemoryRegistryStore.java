package io.meshstreams.local.internal.registry;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A store that keeps its records nowhere but in memory: for tests of the HTTP layer and for a
 * registry that needs no Kafka. Records go through the same {@link StoreCodec} and
 * {@link RegistryState#apply} as the Kafka-backed store's, so both behave alike.
 */
final class InMemoryRegistryStore implements RegistryStore {
    private final RegistryState state = new RegistryState();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    @Override
    public <T> T read(Function<RegistryState, T> query) {
        lock.readLock().lock();
        try {
            return query.apply(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public <T> T write(Function<RegistryState, Mutation<T>> change) {
        lock.writeLock().lock();
        try {
            Mutation<T> mutation = change.apply(state);
            for (StoreRecord record : mutation.records()) {
                state.apply(StoreCodec.decode(record.key(), record.value()));
            }
            return mutation.result();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
    }
}
