package io.meshstreams.internal.contract;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a record's schema is the one the fast path was compiled for, so that it may read
 * fields by position. Identity is checked first; an equal schema (a SpecificRecord's {@code SCHEMA$}
 * parsed from the same text, say) is remembered after one {@link Schema#equals} so the next check is
 * an identity check again. The remembered schema is a cache of a fact, so the race on it is benign.
 */
final class SchemaMatcher {
    private final Schema expected;
    private volatile @Nullable Schema lastEqual;

    SchemaMatcher(Schema expected) {
        this.expected = expected;
    }

    boolean matches(Schema actual) {
        if (actual == expected || actual == lastEqual) {
            return true;
        }
        if (expected.equals(actual)) {
            lastEqual = actual;
            return true;
        }
        return false;
    }
}
