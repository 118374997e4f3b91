package io.meshstreams.governance;

import io.meshstreams.InvalidConfigException;

import io.meshstreams.internal.masking.MaskingCompiler;
import io.meshstreams.internal.masking.RecordMasking;
import io.meshstreams.product.OutputPort;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Masks one port's records for one consumer clearance, before they enter the consumer's topology: every field
 * classified above the clearance is hashed, redacted or dropped as the {@link MaskingRules} say.
 *
 * <pre>{@code
 * FieldMasker masker = FieldMasker.create(port, grant.clearance(), rules);
 * Schema consumerSees = masker.maskedSchema();
 * GenericRecord masked = masker.mask(record);
 * }</pre>
 *
 * <ol>
 *   <li><b>Compiled once.</b> Everything is decided in {@link #create}: which fields, how, where they are in a
 *       record. {@link #mask} then reads and writes by position, allocating the new record and the hashes only.</li>
 *   <li><b>Thread-safe.</b> One masker serves every stream thread.</li>
 *   <li><b>The masked schema says what was masked</b> (see {@link #maskedSchema()}); its name differs from the
 *       port's, so it is never mistaken for the port's contract.</li>
 *   <li><b>Fails closed.</b> A classification that no path reaches, a record that is not laid out like the port
 *       schema, or a hash without a key is an error, never a value passed on in clear.</li>
 * </ol>
 *
 * <p>Hashes are HMAC-SHA256 under the mesh's key, over canonical bytes that depend on the value only: a string's
 * UTF-8; an int's or long's decimal text (as a text key carries it); a float's or double's 8 IEEE 754 bytes
 * (big-endian, of the value as a double); {@code true}/{@code false}; the bytes of {@code bytes} and
 * {@code fixed}; an enum's symbol; a record's, array's or map's Avro binary encoding (map entries by key); logical
 * types in their underlying type. Rendered as 64 lower-case hex characters. Null stays null.
 */
public final class FieldMasker {
    private static final Logger log = LoggerFactory.getLogger(FieldMasker.class);

    private final Schema portSchema;
    private final Schema maskedSchema;
    private final String clearance;
    private final List<MaskedField> maskedFields;
    private final @Nullable RecordMasking masking;
    private final MaskingRules rules;

    private FieldMasker(Schema portSchema, String clearance, MaskingCompiler.Compiled compiled, MaskingRules rules) {
        this.portSchema = portSchema;
        this.maskedSchema = compiled.maskedSchema();
        this.clearance = clearance;
        this.maskedFields = compiled.maskedFields();
        this.masking = compiled.masking();
        this.rules = rules;
    }

    /**
     * Compiles masking of a port's records for a consumer.
     *
     * @param portSchema      the port's value schema, a record
     * @param classifications field path ({@code email}, {@code address.city}) to classification, such as
     *                        {@link OutputPort#classifications()}; the classifications the schema's field properties
     *                        declare are honoured too (a path given here wins)
     * @param clearance       the consumer's clearance (its grant's), a level of the rules' scheme
     * @param rules           the mesh's masking rules
     * @throws IllegalArgumentException if the clearance is not a level (the message lists them), a classified path
     *                                  is not a field (the message lists the fields), or a classified field cannot be
     *                                  reached by path and is not cleared
     * @throws io.meshstreams.InvalidConfigException if a field is to be hashed and the rules have no hash key
     */
    public static FieldMasker create(Schema portSchema, Map<String, String> classifications, String clearance,
                                     MaskingRules rules) {
        Objects.requireNonNull(portSchema, "portSchema");
        Objects.requireNonNull(classifications, "classifications");
        Objects.requireNonNull(clearance, "clearance");
        Objects.requireNonNull(rules, "rules");
        MaskingCompiler.Compiled compiled = MaskingCompiler.compile(portSchema, classifications, clearance,
                rules.scheme(), rules::policyFor, rules.hash(), MaskingRules.missingHashKeyAdvice());
        if (rules.usesInsecureDevelopmentKey()) {
            log.warn("Masking {} for clearance {} with the INSECURE development hash key: its hashes protect "
                    + "nothing. Configure the mesh's own key with MaskingRules.withHashKey outside development",
                    portSchema.getFullName(), clearance);
        }
        return new FieldMasker(portSchema, clearance, compiled, rules);
    }

    /** Compiles masking of an output port's records (its value schema and classifications) for a consumer. */
    public static FieldMasker create(OutputPort port, String clearance, MaskingRules rules) {
        return create(port.valueSchema(), port.classifications(), clearance, rules);
    }

    /**
     * The schema of the records {@link #mask} returns: the schema the consumer sees. When nothing is masked, the port
     * schema itself. Otherwise a schema named {@code <Name>_masked_for_<clearance>} in the port's namespace, in which:
     *
     * <ol>
     *   <li>a {@code HASH} field is a {@code string} ({@code ["null", "string"]} if it was nullable);</li>
     *   <li>a {@code REDACT} field is {@code ["null", T]} with default null;</li>
     *   <li>a {@code DROP} field is absent;</li>
     *   <li>a masked field carries {@code "mesh.masked": "HASH"} and {@code "mesh.masked.classification": "PII"},
     *       and no longer its {@code classification} (its value is no longer the classified value);</li>
     *   <li>the record carries {@code "mesh.masked.fields": ["email:HASH", "address.city:DROP"]},
     *       {@code "mesh.masked.clearance"} and {@code "mesh.masked.source"} (the port schema's full name); a
     *       nested record with masked fields is renamed the same way and lists the fields masked below it.</li>
     * </ol>
     *
     * <p>Never read the port's bytes with it as the reader schema: Avro would resolve a hashed string field from the
     * clear one. Avro's {@code SchemaCompatibility} reports the two incompatible (the names differ).
     */
    public Schema maskedSchema() {
        return maskedSchema;
    }

    /** The port's value schema that records to mask have. */
    public Schema portSchema() {
        return portSchema;
    }

    /** The consumer's clearance, as the scheme spells it. */
    public String clearance() {
        return rules.scheme().rank(clearance).map(rank -> rules.scheme().levels().get(rank)).orElse(clearance);
    }

    /** The fields this masker masks, in schema order. A masked record is listed, not the fields inside it. */
    public List<MaskedField> maskedFields() {
        return maskedFields;
    }

    /**
     * True if the consumer does not see the field at {@code path} ({@code customerId}, {@code address.street}) in
     * clear: it is masked itself, or lies inside a masked record.
     */
    public boolean masks(String path) {
        Objects.requireNonNull(path, "path");
        return maskedFields.stream().anyMatch(field -> path.equals(field.path()) || path.startsWith(field.path() + "."));
    }

    /** True if the clearance clears every classified field: then {@link #mask} returns records unchanged. */
    public boolean masksNothing() {
        return masking == null;
    }

    /**
     * A new record of the {@link #maskedSchema()} with the record's values, masked. Unmasked values are shared with
     * the input, not copied. The record may be a {@code GenericRecord} or a generated {@code SpecificRecord} of the
     * port schema. When {@link #masksNothing()}, the record itself is returned (as a {@code GenericRecord}; a bare
     * {@code IndexedRecord} is copied into one).
     *
     * @throws IllegalArgumentException if the record is not laid out like the port schema (read the port with its
     *                                  value schema as the reader schema), or a field that is masked by parts
     *                                  holds something other than a record
     */
    public GenericRecord mask(IndexedRecord record) {
        Objects.requireNonNull(record, "record");
        RecordMasking compiled = masking;
        if (compiled == null) {
            return record instanceof GenericRecord generic ? generic : copy(record);
        }
        return compiled.mask(record);
    }

    /**
     * The keyed hash of a record key, equal to the {@code HASH} of a field holding that key: use it for the key of a
     * record whose key field is masked, so that masked keys and masked fields still join. The key is hashed as its
     * UTF-8 text, which is how a key written as text ({@code KeyDefinition.Format.STRING}) carries a string, int or
     * long field; for a key read as a number ({@code KeyDefinition.Format.AVRO}), pass its decimal text. The masked
     * key is a string: the consumer reads it with a string serde. Null stays null.
     *
     * @throws io.meshstreams.InvalidConfigException if the rules have no hash key
     */
    public @Nullable String maskKey(@Nullable String key) {
        if (key == null) {
            return null;
        }
        var hash = rules.hash();
        if (hash == null) {
            throw new InvalidConfigException("mesh.masking.hash.key", "Cannot hash the key of " + portSchema.getFullName()
                    + " records: no hash key is configured. " + MaskingRules.missingHashKeyAdvice());
        }
        return hash.hex(key.getBytes(StandardCharsets.UTF_8));
    }

    private GenericRecord copy(IndexedRecord record) {
        GenericData.Record copy = new GenericData.Record(portSchema);
        for (Schema.Field field : portSchema.getFields()) {
            copy.put(field.pos(), record.get(field.pos()));
        }
        return copy;
    }

    @Override
    public String toString() {
        return "FieldMasker[" + portSchema.getFullName() + " for " + clearance() + ": "
                + (maskedFields.isEmpty() ? "nothing masked" : maskedFields.stream().map(MaskedField::label).toList())
                + "]";
    }
}
