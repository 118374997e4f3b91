package io.meshstreams.publish;

import io.meshstreams.contract.Violation;

import java.util.List;
import java.util.Objects;

/**
 * Where one record went.
 *
 * @param outcome    {@link Outcome#PUBLISHED} on the port, or {@link Outcome#QUARANTINED} in its quarantine topic
 * @param topic      the topic the record was written to
 * @param partition  its partition
 * @param offset     its offset
 * @param timestamp  its timestamp, as the broker acknowledged it
 * @param violations the contract violations that sent it to quarantine; empty when published. They carry no value
 *                   of a classified field, so the result (and its {@code toString()}) is safe to log
 */
public record PublishResult(Outcome outcome, String topic, int partition, long offset, long timestamp,
                            List<Violation> violations) {
    public PublishResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(topic, "topic");
        violations = List.copyOf(violations);
    }

    public boolean isPublished() {
        return outcome == Outcome.PUBLISHED;
    }

    public boolean isQuarantined() {
        return outcome == Outcome.QUARANTINED;
    }

    /** Where a record handed to a publisher ends: on the port or in quarantine (a rejection is an exception). */
    public enum Outcome {
        PUBLISHED,
        QUARANTINED
    }
}
