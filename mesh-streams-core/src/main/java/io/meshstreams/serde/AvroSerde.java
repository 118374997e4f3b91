package io.meshstreams.serde;

import io.meshstreams.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka Streams {@link Serde} of an {@link AvroSerializer} and an {@link AvroDeserializer} that share
 * one registry client.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.create(Map.of("schema.registry.url", url));
 * Serde<OrderPlaced> orders = AvroSerde.specific(registry, OrderPlaced.class);
 * builder.stream("orders.order-events.placed.v1", Consumed.with(Serdes.String(), orders));
 * }</pre>
 *
 * <p>Made by Kafka Streams from {@code default.value.serde=io.meshstreams.serde.AvroSerde}, it creates a
 * registry client in {@link #configure} and closes it in {@link #close()}; made by the static factories,
 * it uses the given client and never closes it. Kafka Streams does not call {@code configure} on serdes
 * handed to it in code, so the factories return serdes ready to use. Thread-safe.
 *
 * @param <T> the type of the values, e.g. {@code GenericRecord} or a generated class
 */
public class AvroSerde<T> implements Serde<T> {
    private @Nullable SchemaRegistryClient client;
    private boolean ownsClient;
    private @Nullable Schema readerSchema;
    private AvroSerializer<T> serializer;
    private AvroDeserializer<T> deserializer;

    /** For Kafka Streams, which calls {@link #configure} next. */
    public AvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    private AvroSerde(SchemaRegistryClient client, @Nullable Schema readerSchema, Map<String, ?> configs, boolean isKey) {
        this.client = client;
        this.readerSchema = readerSchema;
        this.serializer = new AvroSerializer<>(client, configs, isKey);
        this.deserializer = deserializer(client, configs, isKey);
    }

    /** A value serde of generic records, read with the writer's schema, with default configuration. */
    public static AvroSerde<GenericRecord> generic(SchemaRegistryClient client) {
        return new AvroSerde<>(client, null, Map.of(), false);
    }

    /** A value serde of generic records that reads every record resolved to {@code readerSchema}. */
    public static AvroSerde<GenericRecord> generic(SchemaRegistryClient client, Schema readerSchema) {
        return new AvroSerde<>(client, readerSchema, Map.of(), false);
    }

    /**
     * A value serde of the generated class {@code type}: records are read into it, resolved from their
     * writer schema to its schema, and its package is trusted by Avro's class loading check.
     */
    public static <T extends SpecificRecord> AvroSerde<T> specific(SchemaRegistryClient client, Class<T> type) {
        return specific(client, type, Map.of(), false);
    }

    /** As {@link #specific(SchemaRegistryClient, Class)}, for keys or values, with further {@code configs}. */
    public static <T extends SpecificRecord> AvroSerde<T> specific(SchemaRegistryClient client, Class<T> type,
                                                                   Map<String, ?> configs, boolean isKey) {
        Map<String, Object> all = new HashMap<>(configs);
        all.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
        all.put(isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE_CONFIG : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG, type);
        return new AvroSerde<>(client, null, all, isKey);
    }

    /** A serde for keys or values configured by {@code configs} (see {@link AvroSerdeConfig}). */
    public static <T> AvroSerde<T> create(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        return new AvroSerde<>(client, null, configs, isKey);
    }

    /**
     * Configures both halves. If this serde was not given a client, it creates one from {@code configs}
     * and closes it in {@link #close()}.
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryClient registry = client;
        if (registry == null) {
            registry = SchemaRegistryClient.create(configs);
            client = registry;
            ownsClient = true;
        }
        serializer = new AvroSerializer<>(registry, configs, isKey);
        deserializer = deserializer(registry, configs, isKey);
    }

    private AvroDeserializer<T> deserializer(SchemaRegistryClient registry, Map<String, ?> configs, boolean isKey) {
        Schema schema = readerSchema;
        if (schema != null) {
            AvroDeserializer<T> result = new AvroDeserializer<>(registry, schema);
            result.configure(configs, isKey);
            return result;
        }
        return new AvroDeserializer<>(registry, configs, isKey);
    }

    @Override
    public AvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public AvroDeserializer<T> deserializer() {
        return deserializer;
    }

    /** Closes the registry client if this serde created it. */
    @Override
    public void close() {
        SchemaRegistryClient registry = client;
        if (ownsClient && registry != null) {
            registry.close();
        }
    }
}
