package io.meshstreams.product;

import io.meshstreams.internal.product.DataProductValidation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain's data product: what it publishes (output ports), what it reads (input ports), who owns it.
 *
 * <pre>{@code
 * DataProduct orders = DataProduct.builder("orders", "order-events")
 *         .owner("team-orders@example.com")
 *         .outputPort(OutputPort.builder("placed", 1)
 *                 .valueSchema(orderPlacedSchema)
 *                 .keyField("orderId")
 *                 .rule("positive-amount", "message.amount > 0")
 *                 .grant("analytics", "INTERNAL", "revenue reporting")
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>Instances are immutable and always valid: {@link Builder#build()} and {@link DataProductDescriptor} check the
 * whole product and throw {@link InvalidDataProductException} listing every problem.
 *
 * @param domain      the owning domain, e.g. {@code orders}: lower case letters, digits and single hyphens
 * @param name        the product's name within the domain, e.g. {@code order-events}
 * @param owner       who answers for it: a team, a mailbox
 * @param description what it offers, for the catalog
 * @param tags        free-form tags for the catalog
 * @param outputPorts the ports it publishes; a port may appear at several major versions
 * @param inputPorts  the ports of other products it reads
 */
public record DataProduct(String domain, String name, String owner, String description, List<String> tags,
                          List<OutputPort> outputPorts, List<InputPort> inputPorts) {

    public DataProduct {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(tags);
        outputPorts = List.copyOf(outputPorts);
        inputPorts = List.copyOf(inputPorts);
    }

    public static Builder builder(String domain, String name) {
        return new Builder(domain, name);
    }

    /** {@code domain.name}. */
    public String id() {
        return domain + "." + name;
    }

    /** The address (and topic) of one of this product's ports. */
    public PortAddress address(OutputPort port) {
        return new PortAddress(domain, name, port.name(), port.majorVersion());
    }

    /**
     * The port with this name at its highest major version.
     *
     * @throws IllegalArgumentException naming the product's ports if there is none
     */
    public OutputPort outputPort(String portName) {
        return outputPorts.stream()
                .filter(port -> port.name().equals(portName))
                .max(Comparator.comparingInt(OutputPort::majorVersion))
                .orElseThrow(() -> unknownPort(portName + " (any version)"));
    }

    /** The port with this name and major version. */
    public OutputPort outputPort(String portName, int majorVersion) {
        return findOutputPort(portName, majorVersion)
                .orElseThrow(() -> unknownPort(portName + ".v" + majorVersion));
    }

    /** The port at this address, if it belongs to this product. */
    public Optional<OutputPort> outputPort(PortAddress address) {
        if (!address.domain().equals(domain) || !address.product().equals(name)) {
            return Optional.empty();
        }
        return findOutputPort(address.port(), address.majorVersion());
    }

    private Optional<OutputPort> findOutputPort(String portName, int majorVersion) {
        return outputPorts.stream()
                .filter(port -> port.name().equals(portName) && port.majorVersion() == majorVersion)
                .findFirst();
    }

    private IllegalArgumentException unknownPort(String wanted) {
        return new IllegalArgumentException("Data product " + id() + " has no output port " + wanted
                + "; its ports are " + outputPorts.stream().map(p -> p.name() + ".v" + p.majorVersion()).toList());
    }

    /** Mutable, not thread-safe. */
    public static final class Builder {
        private final String domain;
        private final String name;
        private String owner = "";
        private String description = "";
        private final List<String> tags = new ArrayList<>();
        private final List<OutputPort> outputPorts = new ArrayList<>();
        private final List<InputPort> inputPorts = new ArrayList<>();

        private Builder(String domain, String name) {
            this.domain = Objects.requireNonNull(domain, "domain");
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        public Builder tag(String tag) {
            tags.add(Objects.requireNonNull(tag, "tag"));
            return this;
        }

        public Builder outputPort(OutputPort port) {
            outputPorts.add(Objects.requireNonNull(port, "port"));
            return this;
        }

        public Builder inputPort(InputPort port) {
            inputPorts.add(Objects.requireNonNull(port, "port"));
            return this;
        }

        /** Declares that this product reads {@code domain.product.port.vN}. */
        public Builder inputPort(String address) {
            return inputPort(InputPort.of(address));
        }

        /**
         * The product, after checking all of it.
         *
         * @throws InvalidDataProductException listing every problem
         */
        public DataProduct build() {
            DataProduct product = new DataProduct(domain, name, owner, description, tags, outputPorts, inputPorts);
            List<ValidationProblem> problems = DataProductValidation.validate(product, ValidationProblem.CODE);
            if (!problems.isEmpty()) {
                throw new InvalidDataProductException(product.id(), problems);
            }
            return product;
        }
    }
}
