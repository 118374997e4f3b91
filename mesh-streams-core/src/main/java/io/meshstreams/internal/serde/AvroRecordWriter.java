package io.meshstreams.internal.serde;

import io.meshstreams.registry.IncompatibleSchemaException;
import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.SchemaRegistryException;
import io.meshstreams.serde.AvroSerdeConfig;
import io.meshstreams.serde.SubjectNameStrategy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Writes values in Confluent's wire format. The hot path: the entry of the last (topic, schema) is
 * checked by identity; else a per-topic map keyed by schema finds the id and the cached
 * {@link DatumWriter}; only a schema seen for the first time in a topic asks the registry (through
 * the client's own caches). The output buffer and encoder are per thread and reused.
 *
 * <p>Thread-safe.
 */
public final class AvroRecordWriter {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final GrowableOutput out = new GrowableOutput();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    }

    private record Entry(String topic, Schema schema, int id, String subject, DatumWriter<Object> writer,
                         long expiresAtNanos) {
    }

    private final SchemaRegistryClient client;
    private final boolean isKey;
    private final boolean autoRegister;
    private final boolean useLatest;
    private final long latestTtlNanos;
    private final SubjectNameStrategy strategy;
    private final ConcurrentHashMap<String, ConcurrentHashMap<Schema, Entry>> entries = new ConcurrentHashMap<>();
    private volatile @Nullable Entry last;

    public AvroRecordWriter(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
        this.client = client;
        this.isKey = isKey;
        this.autoRegister = config.getBoolean(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG);
        this.useLatest = config.getBoolean(AvroSerdeConfig.USE_LATEST_VERSION_CONFIG);
        long ttlSeconds = config.getLong(AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG);
        this.latestTtlNanos = useLatest && ttlSeconds >= 0 ? ttlSeconds * 1_000_000_000L : -1;
        this.strategy = config.subjectNameStrategy(isKey);
    }

    /** The wire-format bytes of {@code data}, or null for null. */
    public byte @Nullable [] write(String topic, @Nullable Object data) {
        if (data == null) {
            return null;
        }
        Schema schema = AvroData.schemaOf(data);
        if (schema == null) {
            throw new SerializationException("Cannot serialize the " + part() + " for topic '" + topic + "': a "
                    + data.getClass().getName() + " is not an Avro value. Fix: pass a GenericRecord, a generated "
                    + "SpecificRecord, or an Avro primitive (String, Integer, Long, Float, Double, Boolean, byte[], "
                    + "ByteBuffer), or use a serializer made for " + data.getClass().getSimpleName() + ".");
        }
        Entry entry = last;
        if (entry == null || entry.schema != schema || (entry.topic != topic && !entry.topic.equals(topic))
                || (latestTtlNanos >= 0 && System.nanoTime() - entry.expiresAtNanos > 0)) {
            entry = entry(topic, schema, data);
            last = entry;
        }
        Object datum = data instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : data;
        Scratch scratch = SCRATCH.get();
        GrowableOutput out = scratch.out;
        out.reset();
        out.writeHeader(entry.id);
        try {
            entry.writer.write(datum, scratch.encoder);
            scratch.encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize the " + part() + " for topic '" + topic + "' with schema '"
                    + schema.getFullName() + "' (id " + entry.id + ", subject '" + entry.subject + "'): " + e
                    + ". Fix: the value must match its schema: every field without a default set, and each of the "
                    + "type the schema says.", e);
        } finally {
            out.shrinkIfHuge();
        }
    }

    private Entry entry(String topic, Schema schema, Object data) {
        ConcurrentHashMap<Schema, Entry> bySchema = entries.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        Entry entry = bySchema.get(schema);
        if (entry != null && (latestTtlNanos < 0 || System.nanoTime() - entry.expiresAtNanos <= 0)) {
            return entry;
        }
        String subject = strategy.subject(topic, isKey, schema);
        int id = resolveId(topic, subject, schema);
        DatumWriter<Object> writer = data instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(data.getClass()))
                : new GenericDatumWriter<>(schema, GenericData.get());
        long expiresAt = latestTtlNanos < 0 ? 0 : System.nanoTime() + latestTtlNanos;
        entry = new Entry(topic, schema, id, subject, writer, expiresAt);
        bySchema.put(schema, entry);
        return entry;
    }

    private int resolveId(String topic, String subject, Schema schema) {
        String what = "the " + part() + " for topic '" + topic + "' with schema '" + schema.getFullName() + "'";
        try {
            if (useLatest) {
                RegisteredSchema latest = client.latestVersion(subject);
                Schema latestSchema = RegistrySchemas.parse(client, latest.definition());
                if (SchemaNormalization.parsingFingerprint64(latestSchema) != SchemaNormalization.parsingFingerprint64(schema)) {
                    throw new SerializationException("Cannot serialize " + what + ": " + AvroSerdeConfig.USE_LATEST_VERSION_CONFIG
                            + "=true, but the latest schema of subject '" + subject + "' (version " + latest.version()
                            + ", id " + latest.id() + ") is not the record's schema. Expected: " + latestSchema
                            + ". Found: " + schema + ". Fix: build records with the subject's latest schema (regenerate "
                            + "the classes), or set " + AvroSerdeConfig.USE_LATEST_VERSION_CONFIG + "=false.");
                }
                return latest.id();
            }
            SchemaDefinition definition = SchemaDefinition.avro(schema.toString());
            if (autoRegister) {
                return client.register(subject, definition);
            }
            return client.lookUp(subject, definition).id();
        } catch (IncompatibleSchemaException e) {
            throw new SerializationException("Cannot serialize " + what + ": the registry refused to register it under "
                    + "subject '" + subject + "' as incompatible with earlier versions. " + e.getMessage(), e);
        } catch (RegistryNotFoundException e) {
            String fix = useLatest
                    ? "register a schema under subject '" + subject + "' first"
                    : "register the schema under subject '" + subject + "' first (e.g. in CI), or set "
                    + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG + "=true";
            throw new SerializationException("Cannot serialize " + what + ": "
                    + (useLatest ? "subject '" + subject + "' has no schema"
                    : "the schema is not registered under subject '" + subject + "' and "
                    + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG + "=false")
                    + " (HTTP " + e.httpStatus() + ", error_code " + e.errorCode() + "). Fix: " + fix + ".", e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot serialize " + what + ": the schema registry failed for subject '"
                    + subject + "': " + e.getMessage(), e);
        }
    }

    private String part() {
        return isKey ? "key" : "value";
    }
}
