package io.meshstreams.registry;

import java.util.Objects;

/**
 * A reference from one schema to a named type registered elsewhere, as in Confluent's
 * {@code "references": [{"name": ..., "subject": ..., "version": ...}]}.
 *
 * @param name    the name the referring schema uses for the type (for Avro, the full name of the type)
 * @param subject the subject under which the referenced schema is registered
 * @param version the version of that subject
 */
public record SchemaReference(String name, String subject, int version) {
    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }
}
