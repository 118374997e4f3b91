package io.meshstreams.product;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * A product's declared use of another product's output port: an edge of the lineage graph.
 *
 * @param port    the port read, at a major version
 * @param purpose why it is read, or null
 */
public record InputPort(PortAddress port, @Nullable String purpose) {
    public InputPort {
        Objects.requireNonNull(port, "port");
    }

    public static InputPort of(String address) {
        return new InputPort(PortAddress.parse(address), null);
    }

    public static InputPort of(PortAddress port, @Nullable String purpose) {
        return new InputPort(port, purpose);
    }
}
