package io.meshstreams.internal.governance;

import io.meshstreams.governance.FieldMasker;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/** Reads a port's string keys and hashes them, for ports whose key field is masked: hashed keys still join. */
public final class MaskingKeyDeserializer implements Deserializer<String> {
    private final StringDeserializer strings = new StringDeserializer();
    private final FieldMasker masker;

    public MaskingKeyDeserializer(FieldMasker masker) {
        this.masker = masker;
    }

    @Override
    public @Nullable String deserialize(String topic, byte @Nullable [] data) {
        return masker.maskKey(strings.deserialize(topic, data));
    }
}
