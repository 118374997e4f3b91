package io.meshstreams.governance;

/**
 * What masking does to a field classified above a consumer's clearance, before the record enters the consumer's
 * topology. {@link MaskingRules} choose a policy per classification level.
 */
public enum MaskingPolicy {
    /**
     * The value is replaced by its keyed hash: HMAC-SHA256 under the mesh's hash key, as 64 lower-case hex
     * characters. The field becomes a {@code string} (nullable if it was); null stays null. Equal values hash
     * equally in every consumer and on every port, so a hashed key still joins and groups.
     */
    HASH,
    /**
     * The value is replaced by null. The field becomes nullable ({@code ["null", T]}, {@code "default": null}) and
     * keeps its type otherwise, so code that reads it still compiles; null is never mistaken for a real value, as a
     * placeholder such as {@code ""} or {@code 0} would be in a count or a sum.
     */
    REDACT,
    /** The field is removed: the consumer's schema does not have it. */
    DROP
}
