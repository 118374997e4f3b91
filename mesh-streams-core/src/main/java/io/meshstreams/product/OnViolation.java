package io.meshstreams.product;

/** What a publisher does with a record that breaks its port's contract. Either way, nothing is dropped silently. */
public enum OnViolation {
    /** Nothing is sent; the caller gets a {@code ContractViolationException} that lists every violation. */
    REJECT,
    /**
     * The record goes to the port's quarantine topic ({@code <topic>.quarantine}) with headers that name the port,
     * the contract version and every violation; the caller's result says it was quarantined.
     */
    QUARANTINE
}
