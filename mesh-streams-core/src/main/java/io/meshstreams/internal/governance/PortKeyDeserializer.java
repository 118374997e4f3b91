package io.meshstreams.internal.governance;

import io.meshstreams.governance.FieldMasker;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a port's string keys and hashes them, for ports whose key field is masked: hashed keys still join. Keys
 * read from any other topic (a store's changelog) are already hashed and are read as they are.
 */
public final class MaskingKeyDeserializer implements Deserializer<String> {
    private final StringDeserializer strings = new StringDeserializer();
    private final String portTopic;
    private final FieldMasker masker;

    public MaskingKeyDeserializer(String portTopic, FieldMasker masker) {
        this.portTopic = portTopic;
        this.masker = masker;
    }

    @Override
    public @Nullable String deserialize(String topic, byte @Nullable [] data) {
        String key = strings.deserialize(topic, data);
        return portTopic.equals(topic) ? masker.maskKey(key) : key;
    }
}
