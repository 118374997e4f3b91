package io.meshstreams.local.internal.registry;

import java.util.Objects;

/**
 * One version of one subject, as stored: a {@code SCHEMA} record of the store topic.
 *
 * @param subject the subject
 * @param version the version, from 1
 * @param id      the global schema id
 * @param content the schema
 * @param deleted true once soft-deleted
 */
record SchemaVersion(String subject, int version, int id, SchemaContent content, boolean deleted) {
    SchemaVersion {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(content, "content");
    }

    SchemaVersion softDeleted() {
        return new SchemaVersion(subject, version, id, content, true);
    }
}
