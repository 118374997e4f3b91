package io.meshstreams.internal.governance;

import io.meshstreams.governance.FieldMasker;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.serde.AvroDeserializer;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * Reads a port's keys as text, the way a consumer sees them: a {@code STRING} key as its UTF-8, an {@code AVRO} key
 * (a registered int, long or string) decoded and rendered as text, and, when the consumer may not see the key field,
 * hashed with {@link FieldMasker#maskKey} so that masked keys still join with masked fields. Keys read from any other
 * topic (a store's changelog, a repartition topic) were written by the consumer as text and are read as they are.
 */
public final class PortKeyDeserializer implements Deserializer<String> {
    private final StringDeserializer strings = new StringDeserializer();
    private final String portTopic;
    private final @Nullable Deserializer<Object> avroKeys;
    private final @Nullable FieldMasker masker;

    private PortKeyDeserializer(String portTopic, @Nullable Deserializer<Object> avroKeys, @Nullable FieldMasker masker) {
        this.portTopic = portTopic;
        this.avroKeys = avroKeys;
        this.masker = masker;
    }

    /** The key deserializer of {@code port} (on {@code topic}) for a consumer whose masking is {@code masker}. */
    public static PortKeyDeserializer of(SchemaRegistryClient registry, String topic, OutputPort port,
                                         FieldMasker masker) {
        Deserializer<Object> avroKeys = port.key().format() == KeyDefinition.Format.AVRO
                ? new AvroDeserializer<>(registry, Map.of(), true)
                : null;
        return new PortKeyDeserializer(topic, avroKeys, masker.masks(port.key().field()) ? masker : null);
    }

    /** True if the consumer sees hashes instead of the port's keys. */
    public boolean hashesKeys() {
        return masker != null;
    }

    @Override
    public @Nullable String deserialize(String topic, byte @Nullable [] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public @Nullable String deserialize(String topic, @Nullable Headers headers, byte @Nullable [] data) {
        if (!portTopic.equals(topic)) {
            return strings.deserialize(topic, data);
        }
        String key;
        if (avroKeys == null || data == null) {
            key = strings.deserialize(topic, data);
        } else {
            Object decoded = headers == null ? avroKeys.deserialize(topic, data) : avroKeys.deserialize(topic, headers, data);
            key = decoded == null ? null : decoded.toString();
        }
        return masker == null ? key : masker.maskKey(key);
    }

    @Override
    public void close() {
        if (avroKeys != null) {
            avroKeys.close();
        }
    }
}
