package io.meshstreams.governance;

import java.util.Objects;

/**
 * One field that a {@link FieldMasker} masks for a consumer.
 *
 * @param path           the field's path in the port schema, e.g. {@code email} or {@code address.city}
 * @param classification the field's classification, e.g. {@code PII}
 * @param policy         what masking does to it
 */
public record MaskedField(String path, String classification, MaskingPolicy policy) {
    public MaskedField {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(policy, "policy");
    }

    /** {@code path:POLICY}, as listed in the masked schema's {@code mesh.masked.fields} property. */
    public String label() {
        return path + ":" + policy;
    }
}
