package io.meshstreams.serde;

import io.meshstreams.internal.serde.AvroRecordReader;
import io.meshstreams.internal.serde.AvroRecordReader.ReaderSchemaSource;
import io.meshstreams.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka {@link Deserializer} that reads Avro values in Confluent's wire format (magic byte 0, the
 * schema's 4-byte big-endian registry id, the Avro binary encoding), written by {@link AvroSerializer}
 * or Confluent's {@code KafkaAvroSerializer}.
 *
 * <p>What comes back, and which reader schema resolves the writer's:
 * <ul>
 *   <li>by default a {@link org.apache.avro.generic.GenericRecord} (or an Avro primitive) with the writer's schema;</li>
 *   <li>with a reader schema given in code ({@link #AvroDeserializer(SchemaRegistryClient, Schema)}), a
 *       {@code GenericRecord} resolved to it: a consumer on v2 reads records written with v1;</li>
 *   <li>with {@code use.latest.version=true}, a {@code GenericRecord} resolved to the subject's latest schema;</li>
 *   <li>with {@code specific.avro.reader=true}, an instance of the generated class
 *       ({@code specific.avro.value.type}, or the class named like the writer schema), resolved to its schema.</li>
 * </ul>
 *
 * <p>Avro 1.12 loads generated classes only from trusted packages. The packages of
 * {@code specific.avro.key.type}/{@code specific.avro.value.type} and of {@code mesh.avro.trusted.packages}
 * are trusted for the whole JVM when this deserializer is configured, so no
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} flag is needed.
 *
 * <p>Null bytes are a tombstone and deserialize to null, as Kafka's {@link Deserializer} contract says.
 * Anything else that is not a whole record in the wire format (an empty array, fewer than 5 bytes, a
 * wrong magic byte, a negative or unknown schema id, a truncated or garbage Avro payload, trailing
 * bytes) throws {@link org.apache.kafka.common.errors.SerializationException} naming the fault, the topic,
 * the schema id where known and the fix. A schema registry that cannot be asked for the record's schema
 * (no answer, 5xx, a refusal other than 404) is not the bytes' fault: that throws
 * {@link SchemaUnavailableException}, and the record should be read again later, not skipped. After the
 * first record of a schema id, deserializing makes no HTTP request and parses no schema.
 *
 * <p>Made by Kafka (then {@link #configure} creates and later closes its own registry client) or in
 * code with a shared {@link SchemaRegistryClient}, which it never closes. Thread-safe.
 *
 * @param <T> the type of the values, e.g. {@code GenericRecord} or a generated class
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private @Nullable SchemaRegistryClient client;
    private boolean ownsClient;
    private @Nullable Schema readerSchema;
    private volatile @Nullable AvroRecordReader reader;

    /** For Kafka, which calls {@link #configure} next. */
    public AvroDeserializer() {
    }

    /** A value deserializer with the default configuration (generic records), using (not owning) {@code client}. */
    public AvroDeserializer(SchemaRegistryClient client) {
        this(client, Map.of(), false);
    }

    /** A value deserializer that resolves every record to {@code readerSchema}, using (not owning) {@code client}. */
    public AvroDeserializer(SchemaRegistryClient client, Schema readerSchema) {
        this.client = client;
        this.readerSchema = readerSchema;
        configure(Map.of(), false);
    }

    /** A deserializer for keys or values configured by {@code configs}, using (not owning) {@code client}. */
    public AvroDeserializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this.client = client;
        configure(configs, isKey);
    }

    /**
     * Configures this deserializer. If it was not given a client, it creates one from {@code configs}
     * and closes it in {@link #close()}.
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        SchemaRegistryClient registry = client;
        if (registry == null) {
            registry = SchemaRegistryClient.create(configs);
            client = registry;
            ownsClient = true;
        }
        reader = new AvroRecordReader(registry, config, isKey, source(config, isKey, readerSchema));
    }

    static ReaderSchemaSource source(AvroSerdeConfig config, boolean isKey, @Nullable Schema readerSchema) {
        if (readerSchema != null) {
            return new ReaderSchemaSource.Given(readerSchema);
        }
        if (config.getBoolean(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG)) {
            return new ReaderSchemaSource.Specific(config.specificType(isKey));
        }
        if (config.getBoolean(AvroSerdeConfig.USE_LATEST_VERSION_CONFIG)) {
            return new ReaderSchemaSource.LatestVersion();
        }
        return new ReaderSchemaSource.WriterSchema();
    }

    /** The value in {@code data}; null for null {@code data} (a tombstone). */
    @Override
    @SuppressWarnings("unchecked")
    public @Nullable T deserialize(String topic, byte @Nullable [] data) {
        return (T) reader().read(topic, data);
    }

    /** As {@link #deserialize(String, byte[])}; the headers are not read. */
    @Override
    @SuppressWarnings("unchecked")
    public @Nullable T deserialize(String topic, Headers headers, byte @Nullable [] data) {
        return (T) reader().read(topic, data);
    }

    /** Closes the registry client if this deserializer created it. */
    @Override
    public void close() {
        SchemaRegistryClient registry = client;
        if (ownsClient && registry != null) {
            registry.close();
        }
    }

    private AvroRecordReader reader() {
        AvroRecordReader current = reader;
        if (current == null) {
            throw new IllegalStateException("This AvroDeserializer is not configured: call configure(configs, isKey) "
                    + "with schema.registry.url, or construct it with a SchemaRegistryClient.");
        }
        return current;
    }
}
