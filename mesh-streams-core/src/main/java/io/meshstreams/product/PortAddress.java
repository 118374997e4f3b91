package io.meshstreams.product;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of an output port, {@code domain.product.port.vMAJOR}, which is also its Kafka topic, e.g.
 * {@code orders.order-events.placed.v1}. Subjects and the quarantine topic derive from it.
 *
 * @param domain       the owning domain, e.g. {@code orders}
 * @param product      the data product's name within the domain, e.g. {@code order-events}
 * @param port         the port's name within the product, e.g. {@code placed}
 * @param majorVersion the port's major version, 1 or more; a breaking change is a new major version
 */
public record PortAddress(String domain, String product, String port, int majorVersion) {
    private static final Pattern ADDRESS = Pattern.compile("^([^.]+)\\.([^.]+)\\.([^.]+)\\.v([0-9]{1,9})$");

    public PortAddress {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(port, "port");
        if (majorVersion < 1) {
            throw new IllegalArgumentException("A port's major version starts at 1, got " + majorVersion
                    + " for " + domain + "." + product + "." + port);
        }
    }

    /**
     * Parses {@code domain.product.port.vN}.
     *
     * @throws IllegalArgumentException naming the expected form if the text is not an address
     */
    public static PortAddress parse(String address) {
        Matcher matcher = ADDRESS.matcher(Objects.requireNonNull(address, "address").trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + address + "' is not a port address; expected"
                    + " domain.product.port.vMAJOR, e.g. orders.order-events.placed.v1");
        }
        return new PortAddress(matcher.group(1), matcher.group(2), matcher.group(3),
                Integer.parseInt(matcher.group(4)));
    }

    /** The Kafka topic of the port: the address itself. */
    public String topic() {
        return domain + "." + product + "." + port + ".v" + majorVersion;
    }

    /** The schema registry subject of the port's values ({@code <topic>-value}, Confluent's TopicNameStrategy). */
    public String valueSubject() {
        return topic() + "-value";
    }

    /** The schema registry subject of the port's keys when they are Avro ({@code <topic>-key}). */
    public String keySubject() {
        return topic() + "-key";
    }

    /** The port's dead-letter topic, {@code <topic>.quarantine}, where records that break the contract go. */
    public String quarantineTopic() {
        return topic() + ".quarantine";
    }

    /** The same port at another major version. */
    public PortAddress withMajorVersion(int major) {
        return new PortAddress(domain, product, port, major);
    }

    /** {@code domain.product}, the data product's id. */
    public String productId() {
        return domain + "." + product;
    }

    @Override
    public String toString() {
        return topic();
    }
}
