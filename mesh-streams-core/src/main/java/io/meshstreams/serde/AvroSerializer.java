package io.meshstreams.serde;

import io.meshstreams.internal.serde.AvroRecordWriter;
import io.meshstreams.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka {@link Serializer} that writes Avro values in Confluent's wire format: the magic byte 0, the
 * schema's registry id as a 4-byte big-endian int, then the Avro binary encoding (no container header).
 * Bytes it writes are readable by Confluent's {@code KafkaAvroDeserializer} and the reverse.
 *
 * <p>It takes {@link org.apache.avro.generic.GenericRecord}s, generated
 * {@link org.apache.avro.specific.SpecificRecord}s and Avro primitives ({@code String}, {@code Integer},
 * {@code Long}, {@code Float}, {@code Double}, {@code Boolean}, {@code byte[]}, {@code ByteBuffer}).
 * The schema is registered under its subject ({@code <topic>-value} by default) the first time it is
 * seen, or looked up if {@code auto.register.schemas=false}; after that, serializing makes no HTTP
 * request and parses no schema. See {@link AvroSerdeConfig} for the keys.
 *
 * <p>Two ways to make one:
 * <ol>
 *   <li>By Kafka, from {@code value.serializer=io.meshstreams.serde.AvroSerializer}: Kafka calls
 *       {@link #configure}, which creates a registry client from the same configuration and closes it in
 *       {@link #close()}.</li>
 *   <li>In code, with a shared {@link SchemaRegistryClient}: {@code new AvroSerializer<>(client)} is ready
 *       to use as a value serializer with the defaults; {@link #AvroSerializer(SchemaRegistryClient, Map, boolean)}
 *       configures it. It never closes a client it was given.</li>
 * </ol>
 *
 * <p>Thread-safe: one instance may serve a producer shared by many threads.
 *
 * @param <T> the type of the values, e.g. {@code GenericRecord} or a generated class
 */
public class AvroSerializer<T> implements Serializer<T> {
    private @Nullable SchemaRegistryClient client;
    private boolean ownsClient;
    private volatile @Nullable AvroRecordWriter writer;

    /** For Kafka, which calls {@link #configure} next. */
    public AvroSerializer() {
    }

    /** A value serializer with the default configuration, using (not owning) {@code client}. */
    public AvroSerializer(SchemaRegistryClient client) {
        this(client, Map.of(), false);
    }

    /** A serializer for keys or values configured by {@code configs}, using (not owning) {@code client}. */
    public AvroSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this.client = client;
        this.writer = new AvroRecordWriter(client, new AvroSerdeConfig(configs), isKey);
    }

    /**
     * Configures this serializer. If it was not given a client, it creates one from {@code configs}
     * ({@code schema.registry.url} and the other keys of {@link io.meshstreams.registry.SchemaRegistryClientConfig})
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
        writer = new AvroRecordWriter(registry, config, isKey);
    }

    /** The wire-format bytes of {@code data}, or null for null (a tombstone). */
    @Override
    public byte @Nullable [] serialize(String topic, @Nullable T data) {
        return writer().write(topic, data);
    }

    /** As {@link #serialize(String, Object)}; the headers are not read or changed. */
    @Override
    public byte @Nullable [] serialize(String topic, Headers headers, @Nullable T data) {
        return writer().write(topic, data);
    }

    /** Closes the registry client if this serializer created it. */
    @Override
    public void close() {
        SchemaRegistryClient registry = client;
        if (ownsClient && registry != null) {
            registry.close();
        }
    }

    private AvroRecordWriter writer() {
        AvroRecordWriter current = writer;
        if (current == null) {
            throw new IllegalStateException("This AvroSerializer is not configured: call configure(configs, isKey) with "
                    + "schema.registry.url, or construct it with a SchemaRegistryClient.");
        }
        return current;
    }
}
