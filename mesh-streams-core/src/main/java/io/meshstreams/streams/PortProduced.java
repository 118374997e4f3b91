package io.meshstreams.streams;

import java.util.Objects;

/**
 * How a governed topology publishes on one of its domain's output ports.
 *
 * @param name the name of the contract-enforcing processor and its sinks in the topology
 */
public record PortProduced(String name) {
    public PortProduced {
        Objects.requireNonNull(name, "name");
    }

    public static PortProduced as(String name) {
        return new PortProduced(name);
    }
}
