package io.meshstreams.product;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * A product's declared use of another product's output port: an edge of the lineage graph.
 *
 * <ol>
 *   <li>Immutable; equal when port and purpose are equal. {@code withX} returns a copy with every other setting
 *       kept.</li>
 *   <li>Always valid on its own: a {@link PortAddress} (checked when it is made) and an optional purpose. That it
 *       names another product's port, once, the product checks.</li>
 * </ol>
 */
public final class InputPort {
    private final PortAddress port;
    private final @Nullable String purpose;

    private InputPort(PortAddress port, @Nullable String purpose) {
        this.port = Objects.requireNonNull(port, "port");
        this.purpose = purpose;
    }

    /**
     * The port at this address, read for no stated purpose.
     *
     * @throws IllegalArgumentException if the text is not a port address
     */
    public static InputPort of(String address) {
        return new InputPort(PortAddress.parse(address), null);
    }

    /** The port read, and why (or null). */
    public static InputPort of(PortAddress port, @Nullable String purpose) {
        return new InputPort(port, purpose);
    }

    /** The port read, at a major version. */
    public PortAddress port() {
        return port;
    }

    /** Why it is read, or null. */
    public @Nullable String purpose() {
        return purpose;
    }

    /** Another port read for the same purpose. */
    public InputPort withPort(PortAddress port) {
        return new InputPort(port, purpose);
    }

    /** The same port read for another purpose (or null for none). */
    public InputPort withPurpose(@Nullable String purpose) {
        return new InputPort(port, purpose);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputPort that && port.equals(that.port) && Objects.equals(purpose, that.purpose);
    }

    @Override
    public int hashCode() {
        return Objects.hash(port, purpose);
    }

    @Override
    public String toString() {
        return "InputPort[port=" + port + ", purpose=" + purpose + "]";
    }
}
