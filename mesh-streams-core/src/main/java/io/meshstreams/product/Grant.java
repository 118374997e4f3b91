package io.meshstreams.product;

import java.util.Objects;

/**
 * A consumer domain's right to read an output port.
 *
 * @param domain    the consumer domain, e.g. {@code analytics}
 * @param clearance the highest classification the consumer may see in clear, e.g. {@code INTERNAL}; fields
 *                  classified above it are masked before they reach the consumer's topology
 * @param purpose   why the consumer reads the port, recorded for audit and shown in the catalog
 */
public record Grant(String domain, String clearance, String purpose) {
    public Grant {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(clearance, "clearance");
        Objects.requireNonNull(purpose, "purpose");
    }

    public static Grant of(String domain, String clearance, String purpose) {
        return new Grant(domain, clearance, purpose);
    }
}
