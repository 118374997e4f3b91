package io.meshstreams.internal.governance;

import io.meshstreams.governance.FieldMasker;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a port's records with the port's schema and masks them for the reader's clearance before anyone else sees
 * them: what enters a consumer's code or topology is already masked. Records read from any other topic (a Kafka
 * Streams store's changelog, which holds what this deserializer produced) are already masked and are decoded with
 * their own schema. Null (a tombstone) stays null.
 */
public final class MaskingDeserializer implements Deserializer<GenericRecord> {
    private final String portTopic;
    private final Deserializer<GenericRecord> portDecoder;
    private final @Nullable Deserializer<GenericRecord> maskedDecoder;
    private final FieldMasker masker;

    /**
     * @param portTopic     the port's topic: records from it are decoded by {@code portDecoder} and masked
     * @param portDecoder   decodes port records with the port's schema as reader schema
     * @param maskedDecoder decodes records of other topics with their writer's schema; null if there are none
     */
    public MaskingDeserializer(String portTopic, Deserializer<GenericRecord> portDecoder,
                               @Nullable Deserializer<GenericRecord> maskedDecoder, FieldMasker masker) {
        this.portTopic = portTopic;
        this.portDecoder = portDecoder;
        this.maskedDecoder = maskedDecoder;
        this.masker = masker;
    }

    @Override
    public @Nullable GenericRecord deserialize(String topic, byte @Nullable [] data) {
        if (!portTopic.equals(topic) && maskedDecoder != null) {
            return maskedDecoder.deserialize(topic, data);
        }
        return mask(portDecoder.deserialize(topic, data));
    }

    @Override
    public @Nullable GenericRecord deserialize(String topic, Headers headers, byte @Nullable [] data) {
        if (!portTopic.equals(topic) && maskedDecoder != null) {
            return maskedDecoder.deserialize(topic, headers, data);
        }
        return mask(portDecoder.deserialize(topic, headers, data));
    }

    private @Nullable GenericRecord mask(@Nullable GenericRecord record) {
        return record == null ? null : masker.mask(record);
    }

    @Override
    public void close() {
        portDecoder.close();
        if (maskedDecoder != null) {
            maskedDecoder.close();
        }
    }
}
