package io.meshstreams.product;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of an output port, {@code domain.product.port.vMAJOR}, which is also its Kafka topic, e.g.
 * {@code orders.order-events.placed.v1}. Subjects and the quarantine topic derive from it.
 *
 * <ol>
 *   <li>Immutable; equal when domain, product, port and major version are equal; {@link #toString()} is the topic.</li>
 *   <li>Every address can be written as its topic and parsed back to an equal address: no part is empty or contains
 *       a dot, and the major version is 1 or more. Whether the names also follow the naming rules of a data product
 *       is the product's check, not the address's: an address may name a topic that only looks like a port.</li>
 * </ol>
 */
public final class PortAddress {
    private static final Pattern ADDRESS = Pattern.compile("^([^.]+)\\.([^.]+)\\.([^.]+)\\.v([0-9]{1,9})$");

    private final String domain;
    private final String product;
    private final String port;
    private final int majorVersion;

    private PortAddress(String domain, String product, String port, int majorVersion) {
        this.domain = part("domain", domain);
        this.product = part("product", product);
        this.port = part("port", port);
        if (majorVersion < 1) {
            throw new IllegalArgumentException("A port's major version starts at 1, got " + majorVersion
                    + " for " + domain + "." + product + "." + port);
        }
        this.majorVersion = majorVersion;
    }

    private static String part(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf('.') >= 0) {
            throw new IllegalArgumentException("The " + what + " of a port address is '" + value + "'; it must be"
                    + " non-empty and without dots, e.g. orders.order-events.placed.v1");
        }
        return value;
    }

    /**
     * The address of a port.
     *
     * @param domain       the owning domain, e.g. {@code orders}
     * @param product      the data product's name within the domain, e.g. {@code order-events}
     * @param port         the port's name within the product, e.g. {@code placed}
     * @param majorVersion the port's major version, 1 or more; a breaking change is a new major version
     * @throws IllegalArgumentException if a part is empty or has a dot, or the version is below 1
     */
    public static PortAddress of(String domain, String product, String port, int majorVersion) {
        return new PortAddress(domain, product, port, majorVersion);
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

    /** The owning domain, e.g. {@code orders}. */
    public String domain() {
        return domain;
    }

    /** The data product's name within the domain, e.g. {@code order-events}. */
    public String product() {
        return product;
    }

    /** The port's name within the product, e.g. {@code placed}. */
    public String port() {
        return port;
    }

    /** The port's major version, 1 or more. */
    public int majorVersion() {
        return majorVersion;
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
    public boolean equals(Object other) {
        return other instanceof PortAddress that && majorVersion == that.majorVersion && domain.equals(that.domain)
                && product.equals(that.product) && port.equals(that.port);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, product, port, majorVersion);
    }

    @Override
    public String toString() {
        return topic();
    }
}
