package io.meshstreams.registry;

import java.util.Objects;

/**
 * A place where a schema is registered: one version of one subject, as listed by
 * {@code GET /schemas/ids/{id}/versions}.
 *
 * @param subject the subject
 * @param version the version under that subject, from 1
 */
public record SubjectVersion(String subject, int version) {
    public SubjectVersion {
        Objects.requireNonNull(subject, "subject");
    }
}
