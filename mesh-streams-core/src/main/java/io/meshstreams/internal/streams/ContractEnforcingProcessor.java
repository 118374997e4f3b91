package io.meshstreams.internal.streams;

import io.meshstreams.contract.Violation;
import io.meshstreams.internal.publish.ContractEnforcer;
import io.meshstreams.internal.publish.PublisherHeaders;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractHeader;
import io.meshstreams.publish.ContractViolationException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * The contract of an output port, inside a topology: each record is checked as a publisher checks it and forwarded
 * as bytes, to the port or (with the contract and violation headers) to its quarantine topic; for a port that
 * rejects, a violation is an exception that the topology's processing exception handler sends to the dead-letter
 * topic. Records are keyed on the port by its key field, written as the port writes keys (the canonical key schema
 * for an Avro key), whatever their key in the topology. {@link #router(PortAddress)} picks the topic by the headers.
 * As a publisher does by default, it writes no contract header on the port: the topic, the value's schema id and the
 * port's owner say what it would.
 */
public final class ContractEnforcingProcessor implements Processor<Object, GenericRecord, byte[], byte[]> {
    private final PortAddress address;
    private final OutputPort port;
    private final int schemaId;
    private final @Nullable Serializer<Object> avroKeySerializer;
    private final PublisherHeaders headers;
    private final Counter published;
    private final Counter quarantined;
    private final Counter rejected;
    private @Nullable ContractEnforcer enforcer;
    private @Nullable ProcessorContext<byte[], byte[]> context;

    public ContractEnforcingProcessor(PortAddress address, OutputPort port, String domain, int schemaId, int schemaVersion,
                                      @Nullable Serializer<Object> avroKeySerializer, MeterRegistry meters,
                                      String application) {
        this.address = address;
        this.port = port;
        this.schemaId = schemaId;
        this.avroKeySerializer = avroKeySerializer;
        this.headers = new PublisherHeaders(new ContractHeader(port.majorVersion(), schemaVersion, schemaId, domain),
                address.topic(), false);
        this.published = counter(meters, application, "published");
        this.quarantined = counter(meters, application, "quarantined");
        this.rejected = counter(meters, application, "rejected");
    }

    private Counter counter(MeterRegistry meters, String application, String outcome) {
        return Counter.builder("mesh.publish.records")
                .description("Records handed to a port publisher, by what became of them")
                .tag("port", address.topic())
                .tag("publisher", application)
                .tag("instance", application) // the tag keys of a publisher's meters of this name
                .tag("outcome", outcome)
                .register(meters);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.enforcer = new ContractEnforcer(address, port, schemaId, avroKeySerializer);
    }

    @Override
    public void process(Record<Object, GenericRecord> record) {
        ContractEnforcer.Checked checked = record.value() == null
                ? new ContractEnforcer.Checked(null, null, List.of(Violation.ofSchema("", "the record has no value"
                        + " (a delete); an output port carries records, so publish a stream of values")))
                // The port's key is its key field: the stream's key (e.g. the foreign key of a join) is the topology's.
                : enforcer.check(null, record.value());
        Headers carried = withoutMeshHeaders(record.headers());
        if (checked.keepsContract()) {
            context.forward(new Record<>(checked.key(), checked.value(), record.timestamp(), headers.forPort(carried)));
            published.increment();
            return;
        }
        if (port.onViolation() == OnViolation.REJECT) {
            rejected.increment();
            throw new ContractViolationException(address, checked.violations());
        }
        boolean avro = checked.value() != null;
        byte[] value = avro ? checked.value() : record.value() == null ? new byte[0] : ContractEnforcer.describe(record.value());
        context.forward(new Record<>(checked.key(), value, record.timestamp(),
                headers.forQuarantine(carried, checked.violations(), avro)));
        quarantined.increment();
    }

    private static final Headers NO_HEADERS = new RecordHeaders();

    /** The caller's headers (e.g. {@code traceparent}) without the input port's {@code mesh} headers. */
    private static Headers withoutMeshHeaders(Headers headers) {
        RecordHeaders kept = null;
        for (Header header : headers) {
            if (!header.key().equals(ContractHeader.KEY) && !header.key().startsWith("mesh.")
                    && !header.key().startsWith("__")) {
                if (kept == null) {
                    kept = new RecordHeaders();
                }
                kept.add(header);
            }
        }
        return kept == null ? NO_HEADERS : kept; // NO_HEADERS is only read: Record and forQuarantine copy what they get
    }

    /** Sends records with violations to the quarantine topic and the others to the port. */
    public static TopicNameExtractor<byte[], byte[]> router(PortAddress address) {
        String topic = address.topic();
        String quarantine = address.quarantineTopic();
        return (key, value, context) -> context.headers().lastHeader(PublisherHeaders.VIOLATIONS) != null
                ? quarantine : topic;
    }
}
