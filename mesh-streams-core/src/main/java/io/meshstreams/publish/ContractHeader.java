package io.meshstreams.publish;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The contract a record was published under, as one header: {@code mesh: 1.3;7;orders}, that is
 * {@code <major>.<minor>;<schema id>;<producing domain>}.
 *
 * <ol>
 *   <li>Records in a port's quarantine always carry it, so the owner triaging them sees the contract they broke.</li>
 *   <li>Records on the port carry it only from publishers created with
 *       {@link PublisherOptions#withContractHeader()}; governed topologies write none. Without it, each record still
 *       says the same: the major version is the topic's {@code vN}, the schema id is in the value's wire-format
 *       header (the registry gives the version under the port's subject), and the producing domain is the port's
 *       owner, named in the catalog: a publisher publishes only on its own domain's ports (a header written by the
 *       client proves no more than that).</li>
 *   <li>{@link #of(Headers)} and {@link #parse(String)} read it; fields that later versions may append are
 *       ignored.</li>
 * </ol>
 *
 * <p>Off by default, and one short header rather than three readable ones, because a header travels with every
 * record: Kafka encodes its key and value into every record, the broker parses them back, and on small records their
 * bytes cost more than the contract check itself. Measured with {@code mesh bench publish}: three headers cut
 * publishing throughput by about 40%, one header with long names by 25%, this one by about 12%.
 *
 * @param majorVersion  the port's major version (the {@code vN} of its topic)
 * @param schemaVersion the version of the value schema under the port's subject: the contract's minor version
 * @param schemaId      the schema's global registry id (also in the value's wire-format header)
 * @param domain        the domain that published the record
 */
public record ContractHeader(int majorVersion, int schemaVersion, int schemaId, String domain) {
    /** The header's key. */
    public static final String KEY = "mesh";

    public ContractHeader {
        Objects.requireNonNull(domain, "domain");
    }

    /** {@code majorVersion.schemaVersion}, e.g. {@code 1.3}. */
    public String version() {
        return majorVersion + "." + schemaVersion;
    }

    /** The header's value: {@code 1.3;7;orders}. */
    public String value() {
        return version() + ";" + schemaId + ";" + domain;
    }

    /** The value as UTF-8 bytes, as it travels. */
    public byte[] bytes() {
        return value().getBytes(StandardCharsets.UTF_8);
    }

    /** The contract header of a record, if it has a well-formed one. */
    public static Optional<ContractHeader> of(Headers headers) {
        Header header = headers.lastHeader(KEY);
        return header == null || header.value() == null ? Optional.empty()
                : parse(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Parses a header value; empty if it is not {@code <major>.<minor>;<schema id>;<domain>}. */
    public static Optional<ContractHeader> parse(String value) {
        String[] parts = value.split(";", -1);
        if (parts.length < 3 || parts[2].isEmpty()) {
            return Optional.empty(); // (later versions may append fields; they are ignored)
        }
        int dot = parts[0].indexOf('.');
        try {
            int major = Integer.parseInt(dot < 0 ? parts[0] : parts[0].substring(0, dot));
            int minor = dot < 0 ? 0 : Integer.parseInt(parts[0].substring(dot + 1));
            return Optional.of(new ContractHeader(major, minor, Integer.parseInt(parts[1]), parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
