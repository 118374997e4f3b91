package io.meshstreams.subscribe;

/**
 * What a subscriber has read so far.
 *
 * @param delivered    records decoded and handed to the handler
 * @param skipped      undecodable records skipped (logged)
 * @param deadLettered undecodable records copied to the dead-letter topic
 */
public record SubscriberStats(long delivered, long skipped, long deadLettered) {
}
