package io.meshstreams.subscribe;

/**
 * What a subscriber does with a record it cannot decode (wrong magic byte, unknown schema id, corrupt bytes): never
 * crash the loop, never lose it silently.
 */
public enum OnUndecodable {
    /** Log it with topic, partition, offset and the reason; count it; go on. */
    SKIP,
    /**
     * Copy its bytes and headers to the subscriber's dead-letter topic, with headers saying where it came from and
     * why it failed; count it; go on. Offsets are committed only after the copy is acknowledged. When the subscriber
     * reads the port masked, the copy holds the headers only ({@code mesh.dead-letter.payload: omitted-classified}):
     * the record's bytes are the owner's clear values, which the consuming domain may not hold.
     */
    DEAD_LETTER
}
