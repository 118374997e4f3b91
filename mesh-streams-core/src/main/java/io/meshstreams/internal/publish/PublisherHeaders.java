package io.meshstreams.internal.publish;

import io.meshstreams.contract.Violation;
import io.meshstreams.publish.ContractHeader;
import io.meshstreams.publish.QuarantineHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The headers mesh-streams puts on records. On the port, by default none: the caller's headers pass through as they
 * are; with the contract header on ({@code PublisherOptions.withContractHeader()}), {@link ContractHeader#KEY}
 * ({@code mesh: 1.3;7;orders}) after them. In quarantine, always the contract header, then {@value #PORT},
 * {@value #VIOLATION_COUNT}, {@value #VIOLATED_RULES}, {@value #VIOLATIONS} (a JSON array of
 * {@code {type, rule, field, message}}), {@value #QUARANTINED_AT} and {@value #QUARANTINE_FORMAT}: a quarantined
 * record is rare, and the owner triaging it wants the contract it broke on the record. Values are UTF-8 text. The
 * contract header is built once per publisher and shared by every record (Kafka never mutates a header it was given).
 */
public final class PublisherHeaders {
    public static final String PORT = QuarantineHeaders.PORT;
    public static final String VIOLATION_COUNT = QuarantineHeaders.VIOLATION_COUNT;
    public static final String VIOLATED_RULES = QuarantineHeaders.VIOLATED_RULES;
    public static final String VIOLATIONS = QuarantineHeaders.VIOLATIONS;
    public static final String QUARANTINED_AT = QuarantineHeaders.QUARANTINED_AT;
    public static final String QUARANTINE_FORMAT = QuarantineHeaders.FORMAT;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Header contractHeader;
    private final Header[] contractOnly;
    private final boolean contractOnPort;
    private final Header portHeader;

    /**
     * @param contract       the contract the records are published under
     * @param port           the port's topic, for the quarantine's {@value #PORT} header
     * @param contractOnPort whether records on the port carry the contract header too
     */
    public PublisherHeaders(ContractHeader contract, String port, boolean contractOnPort) {
        this.contractHeader = new RecordHeader(ContractHeader.KEY, contract.bytes());
        this.contractOnly = new Header[] {contractHeader};
        this.contractOnPort = contractOnPort;
        this.portHeader = text(PORT, port);
    }

    /**
     * The headers of a record for the port: the caller's, then the contract header if records on the port carry it.
     * Without it, the caller's own headers, which {@code ProducerRecord} (and a Streams {@code Record}) copies, or
     * null when there are none, as for a record of a plain producer.
     */
    public @Nullable Headers forPort(Headers callerHeaders) {
        if (contractOnPort) {
            return withContract(callerHeaders);
        }
        return callerHeaders.toArray().length == 0 ? null : callerHeaders; // (Kafka's toArray of none allocates nothing)
    }

    private Headers withContract(Headers callerHeaders) {
        Header[] caller = callerHeaders.toArray();
        if (caller.length == 0) {
            return new RecordHeaders(contractOnly); // RecordHeaders copies the array into a list of its own
        }
        Header[] all = new Header[caller.length + 1];
        System.arraycopy(caller, 0, all, 0, caller.length);
        all[caller.length] = contractHeader;
        return new RecordHeaders(all);
    }

    /** The headers of a record for quarantine: the caller's, ours, and the violations. */
    public Headers forQuarantine(Headers callerHeaders, List<Violation> violations, boolean avro) {
        Headers headers = withContract(callerHeaders);
        headers.add(portHeader);
        headers.add(text(VIOLATION_COUNT, Integer.toString(violations.size())));
        headers.add(text(VIOLATED_RULES, violations.stream()
                .map(v -> v.rule() != null ? v.rule() : v.type())
                .distinct()
                .collect(Collectors.joining(","))));
        headers.add(text(VIOLATIONS, toJson(violations)));
        headers.add(text(QUARANTINED_AT, Instant.now().toString()));
        headers.add(text(QUARANTINE_FORMAT, avro ? "avro" : "json"));
        return headers;
    }

    /** The violations as a JSON array, as in the {@value #VIOLATIONS} header. */
    public static String toJson(List<Violation> violations) {
        ArrayNode array = JSON.createArrayNode();
        for (Violation violation : violations) {
            ObjectNode node = array.addObject();
            node.put("type", violation.type());
            if (violation.rule() != null) {
                node.put("rule", violation.rule());
            }
            node.put("field", violation.field());
            node.put("message", violation.message());
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Header text(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
