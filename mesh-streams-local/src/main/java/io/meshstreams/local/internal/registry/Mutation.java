package io.meshstreams.local.internal.registry;

import java.util.List;

/**
 * What a write operation decided: the records to append to the store (all or none, in one
 * transaction) and the answer to give once they are applied. No records means nothing changes.
 */
record Mutation<T>(List<StoreRecord> records, T result) {
    Mutation {
        records = List.copyOf(records);
    }

    static <T> Mutation<T> unchanged(T result) {
        return new Mutation<>(List.of(), result);
    }
}
