package io.meshstreams.publish;

/**
 * What a publisher has done with the records handed to it so far. Every record is counted exactly once, when its
 * fate is known: {@code published + quarantined + rejected + failed} is the number of records whose publish call
 * has completed.
 *
 * @param published   acknowledged on the port
 * @param quarantined acknowledged in the quarantine topic
 * @param rejected    refused by the contract with a {@link ContractViolationException}; nothing was sent
 * @param failed      not acknowledged by Kafka; the caller got the exception
 */
public record PublisherStats(long published, long quarantined, long rejected, long failed) {
    /** All records whose fate is known. */
    public long total() {
        return published + quarantined + rejected + failed;
    }
}
