package io.meshstreams.internal.publish;

import io.meshstreams.MeshException;
import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Violation;
import io.meshstreams.internal.avro.SchemaConformance;
import io.meshstreams.internal.contract.FieldClassifications;
import io.meshstreams.internal.contract.WithheldFailure;
import io.meshstreams.internal.serde.GrowableOutput;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A port's contract applied to one record: the key (present, and equal to the key field), the schema (by
 * serializing with the port's schema; on failure, field by field) and the rules. Produces the bytes to send and
 * every violation. Thread-safe; the publisher's hot path, and what the contract benchmark measures.
 *
 * <p>Nothing it reports carries a classified value ({@link FieldClassifications}): violations show {@code <PII>} in
 * their place, a key mismatch of a classified key field shows neither key, the serializer's own exception (whose text
 * may quote the value) is dropped for our field-by-field check, and a key that fails to serialize is told by an
 * exception without the serializer's message when the key field is classified.
 */
public final class ContractEnforcer {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final GrowableOutput out = new GrowableOutput();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    }

    /**
     * The outcome of checking one record.
     *
     * @param key        the key bytes, or null when the record has no key (then a violation says so)
     * @param value      the value in the port's wire format, or null when it does not serialize
     * @param violations every violation, or null when the record keeps the contract
     */
    public record Checked(byte @Nullable [] key, byte @Nullable [] value, @Nullable List<Violation> violations) {
        public boolean keepsContract() {
            return violations == null;
        }
    }

    private final String topic;
    private final Schema schema;
    private final long schemaFingerprint;
    private final int schemaId;
    private final ContractRules rules;
    private final KeyField keyField;
    private final FieldClassifications classifications;
    /** The classification shown in place of the key, or null if the key may be shown. */
    private final @Nullable String keyWithheld;
    private final KeyDefinition.Format keyFormat;
    private final @Nullable Serializer<Object> avroKeySerializer;
    private final Map<Schema, Boolean> acceptedSchemas = new ConcurrentHashMap<>();
    private volatile @Nullable Schema lastConforming;
    private final DatumWriter<Object> genericWriter;
    private final Map<Class<?>, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();

    public ContractEnforcer(PortAddress address, OutputPort port, int schemaId,
                            @Nullable Serializer<Object> avroKeySerializer) {
        this.topic = address.topic();
        this.schema = port.valueSchema();
        this.schemaFingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.schemaId = schemaId;
        this.rules = ContractRules.compile(schema, port.rules(), port.classifications());
        this.keyField = new KeyField(schema, port.key().field());
        this.classifications = FieldClassifications.of(schema, port.classifications());
        this.keyWithheld = classifications.withheld(keyField.path());
        this.keyFormat = port.key().format();
        this.avroKeySerializer = avroKeySerializer;
        this.genericWriter = new GenericDatumWriter<>(schema, GenericData.get());
    }

    public Schema schema() {
        return schema;
    }

    public Checked check(@Nullable Object givenKey, @Nullable Object value) {
        List<Violation> violations = null;

        // 1. the key
        Object keyValue = value instanceof IndexedRecord indexed ? keyField.read(indexed) : null;
        Object key = givenKey != null ? givenKey : keyValue;
        if (key == null) {
            violations = add(violations, Violation.ofKey("the record has no key: the key field '" + keyField.path()
                    + "' is null or missing. Fix: set " + keyField.path() + " on the record."));
        } else if (givenKey != null && keyValue != null && !givenKey.toString().equals(keyValue.toString())) {
            violations = add(violations, keyMismatch(givenKey, keyValue));
        }

        // 2. the schema, by serializing
        byte[] valueBytes = null;
        boolean conforms = value instanceof IndexedRecord indexed && conforms(indexed.getSchema());
        if (!conforms) {
            violations = add(violations, Violation.ofSchema("", "the record's schema is "
                    + (value instanceof IndexedRecord indexed ? indexed.getSchema().getFullName()
                    + " with another structure than" : value == null ? "missing: the record is null (a tombstone);"
                    + " a port carries records, not deletes. Expected" : "not an Avro record, but a "
                    + value.getClass().getName() + "; expected") + " the port's schema " + schema.getFullName() + ". Fix: build the record with"
                    + " publisher.schema() (or the class generated from the port's .avsc)."));
        } else {
            try {
                valueBytes = serialize(value);
            } catch (RuntimeException e) {
                // e's text may quote the value (Avro's "Not in union [...]: <value>"): our own check says where
                for (Violation v : conformance(value)) {
                    violations = add(violations, v);
                }
            }
        }

        // 3. the rules, on any record laid out like the port's schema (a rule that meets a bad value fails closed)
        if (conforms) {
            for (Violation v : rules.check((IndexedRecord) value)) {
                violations = add(violations, v);
            }
        }
        // The key's bytes from the field where it has one: a given key that equals it as text may be of another
        // type (the text "1001" for a long), which an Avro key could not be written from.
        Object keyToWrite = keyValue != null ? keyValue : key;
        return new Checked(keyToWrite == null ? null : keyBytes(keyToWrite), valueBytes,
                violations == null ? null : List.copyOf(violations));
    }

    private Violation keyMismatch(Object givenKey, Object keyValue) {
        if (keyWithheld != null) {
            String shown = FieldClassifications.placeholder(keyWithheld);
            return Violation.ofKey("the given key " + shown + " differs from the key field '" + keyField.path()
                    + "' = " + shown + " (the key field is classified " + keyWithheld + ", so neither is shown). Fix:"
                    + " pass no key to take it from the field, or make them equal.");
        }
        return Violation.ofKey("the given key '" + givenKey + "' differs from the key field '" + keyField.path()
                + "' = '" + keyValue + "'. Fix: pass no key to take it from the field, or make them equal.");
    }

    private List<Violation> conformance(Object value) {
        try {
            return SchemaConformance.violations(schema, value, classifications);
        } catch (RuntimeException e) { // a record whose fields cannot even be inspected: say so, without its text
            return List.of(Violation.ofSchema("", "the record does not serialize with " + schema.getFullName()
                    + ", and checking it field by field failed too (" + e.getClass().getName() + "). Fix: build the"
                    + " record with publisher.schema() (or the class generated from the port's .avsc)."));
        }
    }

    /** The record as text, for quarantining a record that does not serialize. */
    public static byte[] describe(@Nullable Object value) {
        String text;
        try {
            text = GenericData.get().toString(value);
        } catch (RuntimeException e) {
            text = String.valueOf(value);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private boolean conforms(@Nullable Schema recordSchema) {
        // Records are often built with another instance of the port's schema than the enforcer's (which is parsed
        // from the catalog): the last one that conformed is remembered, as SchemaMatcher does, so that the common
        // case is an identity check; a cache of a fact, so the race on it is benign.
        if (recordSchema == schema || recordSchema == lastConforming) {
            return true;
        }
        if (recordSchema == null) {
            return false;
        }
        boolean conforming = acceptedSchemas.computeIfAbsent(recordSchema,
                s -> SchemaNormalization.parsingFingerprint64(s) == schemaFingerprint);
        if (conforming) {
            lastConforming = recordSchema;
        }
        return conforming;
    }

    private byte[] serialize(Object value) {
        DatumWriter<Object> writer = value instanceof SpecificRecord
                ? specificWriters.computeIfAbsent(value.getClass(),
                        type -> new SpecificDatumWriter<>(schema, SpecificData.getForClass(type)))
                : genericWriter;
        Scratch scratch = SCRATCH.get();
        GrowableOutput out = scratch.out;
        out.reset();
        out.writeHeader(schemaId);
        try {
            writer.write(value, scratch.encoder);
            scratch.encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            out.shrinkIfHuge();
        }
    }

    private byte[] keyBytes(Object key) {
        if (keyFormat == KeyDefinition.Format.AVRO && avroKeySerializer != null) {
            Object normalized = key instanceof CharSequence text ? text.toString() : key;
            try {
                return avroKeySerializer.serialize(topic, normalized);
            } catch (RuntimeException e) {
                if (keyWithheld == null) {
                    throw e;
                }
                throw new MeshException("Could not serialize the key of a record for " + topic + ": "
                        + e.getClass().getName() + ". The key field '" + keyField.path() + "' is classified "
                        + keyWithheld + ", so the serializer's message (which may quote the key) is withheld; the"
                        + " cause has its type and stack trace. Fix: check that the key subject " + topic + "-key"
                        + " is registered and the schema registry reachable.", WithheldFailure.of(e, "the key field '"
                        + keyField.path() + "' is classified " + keyWithheld));
            }
        }
        return key.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Violation> add(@Nullable List<Violation> list, Violation violation) {
        List<Violation> result = list == null ? new ArrayList<>(4) : list;
        result.add(violation);
        return result;
    }
}
