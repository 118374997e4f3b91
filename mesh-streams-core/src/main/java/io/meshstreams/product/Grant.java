package io.meshstreams.product;

import io.meshstreams.internal.product.DataProductValidation;

import java.util.List;
import java.util.Objects;

/**
 * A consumer domain's right to read an output port.
 *
 * <ol>
 *   <li>Immutable; equal when domain, clearance and purpose are equal. {@code withX} returns a copy with every other
 *       setting kept.</li>
 *   <li>Checked when built: the domain is a legal domain name, the clearance a level of the classification scheme
 *       ({@code PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED}), the purpose is not blank. That the grant is
 *       not to the owning domain, and that a domain holds one grant per port, the product and the port check.</li>
 * </ol>
 */
public final class Grant {
    private final String domain;
    private final String clearance;
    private final String purpose;

    private Grant(String domain, String clearance, String purpose) {
        this.domain = domain;
        this.clearance = clearance;
        this.purpose = purpose;
    }

    /**
     * A grant.
     *
     * @param domain    the consumer domain, e.g. {@code analytics}
     * @param clearance the highest classification the consumer may see in clear, e.g. {@code INTERNAL}; fields
     *                  classified above it are masked before they reach the consumer
     * @param purpose   why the consumer reads the port, recorded for audit and shown in the catalog
     * @throws InvalidDataProductException listing every problem of the grant
     */
    public static Grant of(String domain, String clearance, String purpose) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(clearance, "clearance");
        Objects.requireNonNull(purpose, "purpose");
        List<ValidationProblem> problems = DataProductValidation.grant(domain, clearance, purpose, ValidationProblem.CODE);
        if (!problems.isEmpty()) {
            throw new InvalidDataProductException("Grant to '" + domain + "'", "grant to " + domain, problems);
        }
        return new Grant(domain, clearance, purpose);
    }

    /** The consumer domain, e.g. {@code analytics}. */
    public String domain() {
        return domain;
    }

    /** The highest classification the consumer may see in clear, e.g. {@code INTERNAL}. */
    public String clearance() {
        return clearance;
    }

    /** Why the consumer reads the port. */
    public String purpose() {
        return purpose;
    }

    /** The same grant to another domain. */
    public Grant withDomain(String domain) {
        return of(domain, clearance, purpose);
    }

    /** The same grant with another clearance. */
    public Grant withClearance(String clearance) {
        return of(domain, clearance, purpose);
    }

    /** The same grant for another purpose. */
    public Grant withPurpose(String purpose) {
        return of(domain, clearance, purpose);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Grant that && domain.equals(that.domain) && clearance.equals(that.clearance)
                && purpose.equals(that.purpose);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, clearance, purpose);
    }

    @Override
    public String toString() {
        return "Grant[domain=" + domain + ", clearance=" + clearance + ", purpose=" + purpose + "]";
    }
}
