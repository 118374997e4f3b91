package io.meshstreams.publish;

/**
 * The headers of a record in a port's quarantine topic ({@code <topic>.quarantine}), besides the record's own headers
 * and the {@link ContractHeader}. Values are UTF-8 text. None of them carries the value of a classified field: the
 * violations name the rule and the field and show the classification ({@code <PII>}) in place of the value. The
 * record's key and value are the record as it was published, on the owner's own topic.
 */
public final class QuarantineHeaders {
    /** The port the record was meant for, e.g. {@code orders.order-events.placed.v1}. */
    public static final String PORT = "mesh.port";
    /** How many violations the record has. */
    public static final String VIOLATION_COUNT = "mesh.violation.count";
    /** The broken rules (or violation types for non-rule violations), comma-separated, each once. */
    public static final String VIOLATED_RULES = "mesh.violation.rules";
    /** Every violation, as a JSON array of {@code {type, rule, field, message}}. */
    public static final String VIOLATIONS = "mesh.violations";
    /** When the record was quarantined, ISO-8601. */
    public static final String QUARANTINED_AT = "mesh.quarantined.at";
    /** {@code avro} when the value is in the port's wire format, {@code json} when it could not be serialized. */
    public static final String FORMAT = "mesh.quarantine.format";

    private QuarantineHeaders() {
    }
}
