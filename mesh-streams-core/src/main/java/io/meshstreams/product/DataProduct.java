package io.meshstreams.product;

import io.meshstreams.internal.product.DataProductValidation;
import io.meshstreams.internal.product.PortDraft;
import io.meshstreams.internal.product.ProductDraft;

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
 * <ol>
 *   <li>Immutable and always valid: {@link Builder#build()}, every {@code withX} and {@link DataProductDescriptor}
 *       check the whole product with the same checks (names, owner, at least one output port, each port once,
 *       topic names within Kafka's length, no grant to the owning domain, input ports of other products, each once;
 *       the ports check themselves when they are built) and throw {@link InvalidDataProductException} listing every
 *       problem with its path and fix.</li>
 *   <li>{@code withX} returns a copy with that one setting changed and every other kept; {@link #toBuilder()}
 *       derives a product with several changes.</li>
 *   <li>Equal when every setting is equal.</li>
 * </ol>
 */
public final class DataProduct {
    private final String domain;
    private final String name;
    private final String owner;
    private final String description;
    private final List<String> tags;
    private final List<OutputPort> outputPorts;
    private final List<InputPort> inputPorts;

    private DataProduct(Builder builder) {
        this.domain = builder.domain;
        this.name = builder.name;
        this.owner = builder.owner;
        this.description = builder.description;
        this.tags = List.copyOf(builder.tags);
        this.outputPorts = List.copyOf(builder.outputPorts);
        this.inputPorts = List.copyOf(builder.inputPorts);
    }

    /**
     * A builder for a product of this domain.
     *
     * @param domain the owning domain, e.g. {@code orders}: lower case letters, digits and single hyphens
     * @param name   the product's name within the domain, e.g. {@code order-events}
     */
    public static Builder builder(String domain, String name) {
        return new Builder(domain, name);
    }

    /** The owning domain, e.g. {@code orders}. */
    public String domain() {
        return domain;
    }

    /** The product's name within the domain, e.g. {@code order-events}. */
    public String name() {
        return name;
    }

    /** Who answers for it: a team, a mailbox. */
    public String owner() {
        return owner;
    }

    /** What it offers, for the catalog; empty if not given. */
    public String description() {
        return description;
    }

    /** Free-form tags for the catalog. */
    public List<String> tags() {
        return tags;
    }

    /** The ports it publishes; a port may appear at several major versions. */
    public List<OutputPort> outputPorts() {
        return outputPorts;
    }

    /** The ports of other products it reads. */
    public List<InputPort> inputPorts() {
        return inputPorts;
    }

    /** {@code domain.name}. */
    public String id() {
        return domain + "." + name;
    }

    /** The address (and topic) of one of this product's ports. */
    public PortAddress address(OutputPort port) {
        return PortAddress.of(domain, name, port.name(), port.majorVersion());
    }

    /**
     * The port with this name, when the product has it at one major version only. While two versions run side by side
     * (a breaking change), which one is meant must be said: {@link #outputPort(String, int)}.
     *
     * @throws IllegalArgumentException naming the product's ports if there is none, or the versions if there are two
     *                                  or more
     */
    public OutputPort outputPort(String portName) {
        List<OutputPort> named = outputPorts.stream().filter(port -> port.name().equals(portName))
                .sorted(Comparator.comparingInt(OutputPort::majorVersion)).toList();
        if (named.size() > 1) {
            throw new IllegalArgumentException("Data product " + id() + " has port '" + portName + "' at major versions "
                    + named.stream().map(port -> "v" + port.majorVersion()).toList() + ": say which one, with"
                    + " outputPort(\"" + portName + "\", " + named.get(named.size() - 1).majorVersion()
                    + ") or its address " + address(named.get(named.size() - 1)));
        }
        return named.stream().findFirst().orElseThrow(() -> unknownPort(portName + " (any version)"));
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

    /** A builder initialised with this product's settings, to derive a changed product. */
    public Builder toBuilder() {
        return copy(domain, name);
    }

    private Builder copy(String newDomain, String newName) {
        Builder builder = new Builder(newDomain, newName).owner(owner).description(description);
        builder.tags.addAll(tags);
        builder.outputPorts.addAll(outputPorts);
        builder.inputPorts.addAll(inputPorts);
        return builder;
    }

    /** This product owned by another domain (its ports' topics change with it). */
    public DataProduct withDomain(String domain) {
        return copy(Objects.requireNonNull(domain, "domain"), name).build();
    }

    /** This product under another name (its ports' topics change with it). */
    public DataProduct withName(String name) {
        return copy(domain, Objects.requireNonNull(name, "name")).build();
    }

    public DataProduct withOwner(String owner) {
        return toBuilder().owner(owner).build();
    }

    public DataProduct withDescription(String description) {
        return toBuilder().description(description).build();
    }

    /** This product with exactly these tags. */
    public DataProduct withTags(List<String> tags) {
        Builder builder = toBuilder();
        builder.tags.clear();
        tags.forEach(builder::tag);
        return builder.build();
    }

    /** This product with exactly these output ports. */
    public DataProduct withOutputPorts(List<OutputPort> outputPorts) {
        Builder builder = toBuilder();
        builder.outputPorts.clear();
        outputPorts.forEach(builder::outputPort);
        return builder.build();
    }

    /** This product with exactly these input ports. */
    public DataProduct withInputPorts(List<InputPort> inputPorts) {
        Builder builder = toBuilder();
        builder.inputPorts.clear();
        inputPorts.forEach(builder::inputPort);
        return builder.build();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataProduct that && domain.equals(that.domain) && name.equals(that.name)
                && owner.equals(that.owner) && description.equals(that.description) && tags.equals(that.tags)
                && outputPorts.equals(that.outputPorts) && inputPorts.equals(that.inputPorts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, name, owner, description, tags, outputPorts, inputPorts);
    }

    @Override
    public String toString() {
        return "DataProduct[domain=" + domain + ", name=" + name + ", owner=" + owner + ", description="
                + description + ", tags=" + tags + ", outputPorts=" + outputPorts + ", inputPorts=" + inputPorts + "]";
    }

    /** Mutable, not thread-safe. {@link #build()} checks the whole product. */
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
            ProductDraft draft = new ProductDraft(domain, name, owner, description, tags,
                    outputPorts.stream().map(PortDraft::of).toList(), inputPorts);
            // The ports checked themselves when they were built; what is left depends on the product.
            List<ValidationProblem> problems = DataProductValidation.product(draft, ValidationProblem.CODE, false);
            if (!problems.isEmpty()) {
                throw new InvalidDataProductException(draft.domain() + "." + draft.name(), problems);
            }
            return new DataProduct(this);
        }
    }
}
