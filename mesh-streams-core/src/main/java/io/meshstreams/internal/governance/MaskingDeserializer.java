package io.meshstreams.internal.governance;

import io.meshstreams.governance.FieldMasker;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a port's records with the port's schema and masks them for the reader's clearance before anyone else sees
 * them: what enters a consumer's code or topology is already masked. Null (a tombstone) stays null.
 */
public final class MaskingDeserializer implements Deserializer<GenericRecord> {
    private final Deserializer<GenericRecord> decoder;
    private final FieldMasker masker;

    public MaskingDeserializer(Deserializer<GenericRecord> decoder, FieldMasker masker) {
        this.decoder = decoder;
        this.masker = masker;
    }

    @Override
    public @Nullable GenericRecord deserialize(String topic, byte @Nullable [] data) {
        return mask(decoder.deserialize(topic, data));
    }

    @Override
    public @Nullable GenericRecord deserialize(String topic, Headers headers, byte @Nullable [] data) {
        return mask(decoder.deserialize(topic, headers, data));
    }

    private @Nullable GenericRecord mask(@Nullable GenericRecord record) {
        return record == null ? null : masker.mask(record);
    }

    @Override
    public void close() {
        decoder.close();
    }
}
