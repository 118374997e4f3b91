package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.CompatibilityLevel;
import org.jspecify.annotations.Nullable;

/** A decoded record of the store topic: one change to {@link RegistryState}. */
sealed interface StoreEvent {

    /** A version was registered, or changed (soft-deleted). */
    record SchemaPut(SchemaVersion version) implements StoreEvent {
    }

    /** A version was permanently deleted. */
    record SchemaTombstone(String subject, int version) implements StoreEvent {
    }

    /** A compatibility level was set; {@code subject} null for the global level. */
    record ConfigPut(@Nullable String subject, CompatibilityLevel level) implements StoreEvent {
    }

    /** A compatibility level was removed; {@code subject} null for the global level. */
    record ConfigTombstone(@Nullable String subject) implements StoreEvent {
    }

    /** Confluent's soft delete of a subject: every version up to {@code version} is deleted. */
    record DeleteSubject(String subject, int version) implements StoreEvent {
    }

    /** The highest schema id ever issued, so that ids are never reused after a permanent delete. */
    record IdWatermark(int maxId) implements StoreEvent {
    }

    /** A record this server does not need (another registry's key type, a no-op), or a bad one. */
    record Ignored(String reason) implements StoreEvent {
    }
}
