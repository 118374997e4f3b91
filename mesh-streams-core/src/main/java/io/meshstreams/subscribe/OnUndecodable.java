package io.meshstreams.subscribe;

/**
 * What a subscriber does with a record it cannot decode (wrong magic byte, too few bytes, a schema id the registry
 * answers 404 for, a payload that does not decode with the writer's schema): never crash the loop, never lose it
 * silently. A record whose schema could not be fetched because the registry could not be asked is not undecodable:
 * the subscriber pauses its partition and reads it again later (see {@link PortSubscriber}).
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
