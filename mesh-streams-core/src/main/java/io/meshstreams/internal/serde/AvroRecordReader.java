package io.meshstreams.internal.serde;

import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.internal.registry.RestSchemaRegistryClient;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.SchemaRegistryClientConfig;
import io.meshstreams.registry.SchemaRegistryException;
import io.meshstreams.serde.AvroSerdeConfig;
import io.meshstreams.serde.SchemaUnavailableException;
import io.meshstreams.serde.SubjectNameStrategy;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Reads values in Confluent's wire format. The hot path: the header is checked, the entry of the last
 * schema id is reused by comparing ints; else a map from id (and, when the reader schema depends on
 * the topic, topic) finds the cached {@link DatumReader}. Only an id seen for the first time asks the
 * registry (through the client's own caches). The decoder is per thread and reused.
 *
 * <p>Every way the bytes can be wrong ends in a {@link SerializationException} that names the kind of
 * fault, the topic, the schema id where known and the fix. A registry that cannot be asked (no answer, 5xx, a
 * refusal other than 404) is not the bytes' fault: that ends in a {@link SchemaUnavailableException}, so that no
 * caller skips a record that a later read decodes. Nothing is cached from a failed fetch.
 *
 * <p>Thread-safe.
 */
public final class AvroRecordReader {
    private static final ThreadLocal<BinaryDecoder[]> DECODER = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

    /** Where the reader schema comes from. */
    public sealed interface ReaderSchemaSource {
        /** Read with the writer's schema (generic records, no evolution). */
        record WriterSchema() implements ReaderSchemaSource {
        }

        /** Read with a schema given in code. */
        record Given(Schema schema) implements ReaderSchemaSource {
        }

        /** Read into generated classes: {@code type}'s, or the class named like the writer schema if null. */
        record Specific(@Nullable Class<?> type) implements ReaderSchemaSource {
        }

        /** Read with the latest schema of the record's subject. */
        record LatestVersion() implements ReaderSchemaSource {
        }
    }

    private record Entry(int id, @Nullable String topic, Schema writer, DatumReader<Object> reader, long expiresAtNanos) {
    }

    private record LatestKey(String topic, int id) {
    }

    private final SchemaRegistryClient client;
    private final boolean isKey;
    private final ReaderSchemaSource source;
    private final SubjectNameStrategy strategy;
    private final boolean failOnTrailingData;
    private final long latestTtlNanos;
    private final ConcurrentHashMap<Integer, Schema> writerSchemas = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Entry> entriesById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LatestKey, Entry> entriesByTopicAndId = new ConcurrentHashMap<>();
    private volatile @Nullable Entry last;

    public AvroRecordReader(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey, ReaderSchemaSource source) {
        this.client = client;
        this.isKey = isKey;
        this.source = source;
        this.strategy = config.subjectNameStrategy(isKey);
        this.failOnTrailingData = config.getBoolean(AvroSerdeConfig.AVRO_FAIL_ON_TRAILING_DATA_CONFIG);
        long ttlSeconds = config.getLong(AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG);
        this.latestTtlNanos = source instanceof ReaderSchemaSource.LatestVersion && ttlSeconds >= 0
                ? ttlSeconds * 1_000_000_000L : -1;
        List<String> trusted = new ArrayList<>(config.getList(AvroSerdeConfig.TRUSTED_PACKAGES_CONFIG));
        if (source instanceof ReaderSchemaSource.Specific specific && specific.type() != null) {
            trusted.add(specific.type().getPackageName());
        }
        if (!trusted.isEmpty()) {
            AvroClassTrust.trustPackages(trusted);
        }
    }

    /** The value in {@code bytes}, or null for null bytes (a tombstone). */
    public @Nullable Object read(@Nullable String topic, byte @Nullable [] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < WireFormat.HEADER_SIZE) {
            throw fail(topic, bytes.length == 0
                    ? "it is an empty byte array, but Confluent's wire format needs at least 5 bytes (the magic byte 0 "
                    + "and a 4-byte schema id). Null bytes are a tombstone and read as null; an empty array is not. "
                    + "Fix: have the producer send null for a tombstone, or read this topic with the deserializer that "
                    + "matches its producer's serializer."
                    : "it is only " + bytes.length + " byte" + (bytes.length == 1 ? "" : "s") + " long ("
                    + WireFormat.hexPrefix(bytes) + "), shorter than the 5-byte header of Confluent's wire format (the "
                    + "magic byte 0 and a 4-byte schema id): the record is truncated or not in that format. " + FIX_FORMAT, null);
        }
        if (bytes[0] != WireFormat.MAGIC_BYTE) {
            throw fail(topic, "it starts with byte " + WireFormat.describe(bytes[0]) + " where Confluent's wire format "
                    + "has the magic byte 0x00, so it was not written by a schema registry serializer"
                    + (bytes[0] == '{' || bytes[0] == '[' ? " (it looks like JSON)" : "") + ". " + FIX_FORMAT, null);
        }
        int id = WireFormat.schemaId(bytes);
        Entry entry = last;
        if (entry == null || entry.id != id || (entry.topic != null && !entry.topic.equals(topic))
                || (latestTtlNanos >= 0 && System.nanoTime() - entry.expiresAtNanos > 0)) {
            entry = entry(topic, id);
            last = entry;
        }
        BinaryDecoder[] holder = DECODER.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_SIZE,
                bytes.length - WireFormat.HEADER_SIZE, holder[0]);
        holder[0] = decoder;
        Object value;
        try {
            value = entry.reader.read(null, decoder);
        } catch (EOFException e) {
            throw fail(topic, "its Avro payload (" + (bytes.length - WireFormat.HEADER_SIZE) + " bytes after the header) "
                    + "ended before a whole record was read with writer schema id " + id + " (" + name(entry.writer)
                    + ")" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + ": the record is truncated, or was written with another schema than the id says. " + FIX_PAYLOAD, e);
        } catch (Exception | StackOverflowError e) {
            throw fail(topic, "its Avro payload (" + (bytes.length - WireFormat.HEADER_SIZE) + " bytes after the header) "
                    + "does not decode with writer schema id " + id + " (" + name(entry.writer) + "): " + e
                    + ". The bytes are corrupt, or were written with another schema than the id says. " + FIX_PAYLOAD, e);
        }
        if (failOnTrailingData) {
            int left = decoder.remainingBytes();
            if (left > 0) {
                throw fail(topic, left + " of its " + (bytes.length - WireFormat.HEADER_SIZE) + " payload bytes remain "
                        + "after a whole record was read with writer schema id " + id + " (" + name(entry.writer)
                        + "): the bytes are corrupt, or were written with another schema than the id says. "
                        + FIX_PAYLOAD + " (" + AvroSerdeConfig.AVRO_FAIL_ON_TRAILING_DATA_CONFIG
                        + "=false ignores trailing bytes.)", null);
            }
        }
        return value;
    }

    private static final String FIX_FORMAT = "Fix: read this topic with the deserializer that matches its producer's "
            + "serializer, or have the producer use a schema registry Avro serializer (mesh-streams' AvroSerializer or "
            + "Confluent's KafkaAvroSerializer).";
    private static final String FIX_PAYLOAD = "Fix: find the producer that wrote it and check that it uses a schema "
            + "registry Avro serializer with the same registry as this consumer; route such records to the quarantine "
            + "topic rather than retrying them.";

    private Entry entry(@Nullable String topic, int id) {
        boolean perTopic = source instanceof ReaderSchemaSource.LatestVersion;
        Entry entry = perTopic ? entriesByTopicAndId.get(new LatestKey(String.valueOf(topic), id)) : entriesById.get(id);
        if (entry != null && (latestTtlNanos < 0 || System.nanoTime() - entry.expiresAtNanos <= 0)) {
            return entry;
        }
        if (id < 0) {
            throw fail(topic, "its header names schema id " + id + ", but registry ids are never negative: the bytes "
                    + "are corrupt or not in Confluent's wire format. " + FIX_FORMAT, null);
        }
        Schema writer = writerSchema(topic, id);
        Schema reader = readerSchema(topic, id, writer);
        checkCompatible(topic, id, writer, reader);
        DatumReader<Object> datumReader = source instanceof ReaderSchemaSource.Specific
                ? new SpecificDatumReader<>(writer, reader, specificData(reader))
                : new GenericDatumReader<>(writer, reader, GenericData.get());
        long expiresAt = latestTtlNanos < 0 ? 0 : System.nanoTime() + latestTtlNanos;
        if (perTopic) {
            entry = new Entry(id, String.valueOf(topic), writer, datumReader, expiresAt);
            entriesByTopicAndId.put(new LatestKey(String.valueOf(topic), id), entry);
        } else {
            entry = new Entry(id, null, writer, datumReader, expiresAt);
            entriesById.put(id, entry);
        }
        return entry;
    }

    private Schema writerSchema(@Nullable String topic, int id) {
        Schema cached = writerSchemas.get(id);
        if (cached != null) {
            return cached;
        }
        SchemaDefinition definition;
        try {
            definition = client.schemaById(id);
        } catch (RegistryNotFoundException e) {
            throw fail(topic, "its header names schema id " + id + ", which the schema registry does not know (HTTP "
                    + e.httpStatus() + ", error_code " + e.errorCode() + "). Fix: check that this consumer and the "
                    + "producer use the same schema registry (schema.registry.url); if the id is absurd the bytes are "
                    + "corrupt or not in Confluent's wire format; if the schema was deleted permanently, these records "
                    + "can no longer be read.", e);
        } catch (SchemaRegistryException e) {
            throw unavailable(topic, id, "writer schema id " + id, e);
        }
        if (!definition.isAvro()) {
            throw fail(topic, "its header names schema id " + id + ", a " + definition.schemaType() + " schema, but this "
                    + "deserializer reads Avro. Fix: read this topic with a " + definition.schemaType()
                    + " deserializer.", null);
        }
        Schema writer;
        try {
            writer = RegistrySchemas.parse(client, definition);
        } catch (SchemaRegistryException e) {
            if (!(e instanceof RegistryNotFoundException)) {
                throw unavailable(topic, id, "the schemas that writer schema id " + id + " references", e);
            }
            throw fail(topic, "the registry's schema id " + id + " references a schema the registry does not know: "
                    + e.getMessage() + ". Fix: check the schema registered under that id.", e);
        } catch (SchemaParseException e) {
            throw fail(topic, "the registry's schema id " + id + " is not a valid Avro schema: " + e.getMessage()
                    + ". Fix: check the schema registered under that id.", e);
        }
        writerSchemas.put(id, writer);
        return writer;
    }

    private Schema readerSchema(@Nullable String topic, int id, Schema writer) {
        if (source instanceof ReaderSchemaSource.Given given) {
            return given.schema();
        }
        if (source instanceof ReaderSchemaSource.Specific specific) {
            return specificSchema(topic, id, writer, specific.type());
        }
        if (source instanceof ReaderSchemaSource.LatestVersion) {
            String subject = strategy.subject(String.valueOf(topic), isKey, writer);
            try {
                RegisteredSchema latest = client.latestVersion(subject);
                return latest.id() == id ? writer : RegistrySchemas.parse(client, latest.definition());
            } catch (SchemaRegistryException e) {
                if (!(e instanceof RegistryNotFoundException)) {
                    throw unavailable(topic, id, "the latest schema of subject '" + subject + "' ("
                            + AvroSerdeConfig.USE_LATEST_VERSION_CONFIG + "=true)", e);
                }
                throw fail(topic, AvroSerdeConfig.USE_LATEST_VERSION_CONFIG + "=true, but the latest schema of subject '"
                        + subject + "' could not be read to resolve writer schema id " + id + ": " + e.getMessage(), e);
            } catch (SchemaParseException e) {
                throw fail(topic, AvroSerdeConfig.USE_LATEST_VERSION_CONFIG + "=true, but the latest schema of subject '"
                        + subject + "' could not be read to resolve writer schema id " + id + ": " + e.getMessage(), e);
            }
        }
        return writer;
    }

    private Schema specificSchema(@Nullable String topic, int id, Schema writer, @Nullable Class<?> type) {
        if (type != null) {
            if (!SpecificRecord.class.isAssignableFrom(type)) {
                throw fail(topic, "the configured reader class " + type.getName() + " is not a generated Avro "
                        + "SpecificRecord. Fix: set " + typeKey() + " to a class generated by the Avro compiler.", null);
            }
            return SpecificData.getForClass(type).getSchema(type);
        }
        if (writer.getType() != Schema.Type.RECORD) {
            return writer;
        }
        Class<?> found;
        try {
            found = SpecificData.get().getClass(writer);
        } catch (SecurityException e) {
            throw fail(topic, "Avro refused to load the generated class " + writer.getFullName() + " for writer schema id "
                    + id + " (" + e.getMessage() + "). Fix: set " + typeKey() + "=" + writer.getFullName() + ", or "
                    + AvroSerdeConfig.TRUSTED_PACKAGES_CONFIG + "=" + writer.getNamespace() + ".", e);
        }
        if (found == null || !SpecificRecord.class.isAssignableFrom(found)) {
            throw fail(topic, AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG + "=true, but no generated class "
                    + writer.getFullName() + " (the full name of writer schema id " + id + ") is on the classpath. Fix: "
                    + "add the class generated from that schema, set " + typeKey() + " to the class to read into, or set "
                    + AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG + "=false to read GenericRecords.", null);
        }
        return SpecificData.getForClass(found).getSchema(found);
    }

    private static SpecificData specificData(Schema reader) {
        if (reader.getType() == Schema.Type.RECORD) {
            Class<?> type = SpecificData.get().getClass(reader);
            if (type != null) {
                return SpecificData.getForClass(type);
            }
        }
        return SpecificData.get();
    }

    private void checkCompatible(@Nullable String topic, int id, Schema writer, Schema reader) {
        if (writer == reader) {
            return;
        }
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String problems = result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                    .collect(Collectors.joining("; "));
            throw fail(topic, "records written with schema id " + id + " (" + name(writer) + ") cannot be read with the "
                    + "reader schema " + name(reader) + " from " + describeSource() + ": " + problems + ". Fix: use a "
                    + "reader schema that can read this writer schema (e.g. give added fields defaults), or read "
                    + "with the writer's schema.", null);
        }
    }

    private String describeSource() {
        if (source instanceof ReaderSchemaSource.Given) {
            return "the schema given in code";
        }
        if (source instanceof ReaderSchemaSource.Specific) {
            return "the generated class";
        }
        return "the subject's latest version (" + AvroSerdeConfig.USE_LATEST_VERSION_CONFIG + "=true)";
    }

    private String typeKey() {
        return isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE_CONFIG : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG;
    }

    private static String name(Schema schema) {
        return "'" + (schema.getType() == Schema.Type.RECORD || schema.getType() == Schema.Type.ENUM
                || schema.getType() == Schema.Type.FIXED ? schema.getFullName() : schema.getType().getName()) + "'";
    }

    /**
     * The registry could not be asked, or refused to answer (anything but a 404): the bytes are not at fault, so this
     * is never a {@link SerializationException}, which callers may skip or dead-letter.
     */
    private SchemaUnavailableException unavailable(@Nullable String topic, int id, String what, SchemaRegistryException e) {
        List<String> urls = client instanceof RestSchemaRegistryClient rest ? rest.baseUrls() : List.of();
        String registry = "the schema registry" + (urls.isEmpty() ? "" : " " + urls);
        String head = "Cannot deserialize the " + (isKey ? "key" : "value") + " of a record from topic '" + topic
                + "' yet: ";
        String message = e instanceof RegistryUnavailableException
                ? head + registry + " could not be asked for " + what + " (" + e.getMessage() + "). The record may be "
                + "fine: read it again once the registry answers, and do not skip it (mesh-streams subscribers and "
                + "governed topologies wait and retry by themselves). Fix: check that the registry is running and "
                + "reachable at " + SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL_CONFIG + "."
                : head + registry + " refused to give " + what + " (" + e.getMessage() + "). The record may be fine: "
                + "read it again once the registry answers it, and do not skip it.";
        return new SchemaUnavailableException(message, topic, id, isKey, urls, e);
    }

    private SerializationException fail(@Nullable String topic, String what, @Nullable Throwable cause) {
        return new SerializationException("Cannot deserialize the " + (isKey ? "key" : "value") + " of a record from topic '"
                + topic + "': " + what, cause);
    }
}
