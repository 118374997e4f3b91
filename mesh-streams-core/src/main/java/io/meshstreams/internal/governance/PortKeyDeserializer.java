package io.meshstreams.internal.governance;

import io.meshstreams.governance.FieldMasker;
import io.meshstreams.internal.serde.PortKeys;
import io.meshstreams.product.KeyTypeMismatchException;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.registry.SchemaRegistryClient;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Reads a port's keys the way one consumer sees them: as the key field's Java type ({@link PortKeys}), or, when the
 * consumer may not see the key field, hashed with {@link FieldMasker#maskKey} over the key's text (so that hashed keys
 * still join with hashed fields), as a {@code String}. Hashed keys read back from any other topic (a repartition
 * topic, a changelog) were written by the consumer as text and are read as they are.
 */
public final class PortKeyDeserializer<K> implements Deserializer<K> {
    private final String portTopic;
    private final PortKeys<?> portKeys;
    private final @Nullable FieldMasker masker;
    private final Class<K> type;

    private PortKeyDeserializer(String portTopic, PortKeys<?> portKeys, @Nullable FieldMasker masker, Class<K> type) {
        this.portTopic = portTopic;
        this.portKeys = portKeys;
        this.masker = masker;
        this.type = type;
    }

    /** The key deserializer of {@code port} (at {@code address}) for a consumer whose masking is {@code masker}. */
    public static PortKeyDeserializer<?> of(SchemaRegistryClient registry, PortAddress address, OutputPort port,
                                            FieldMasker masker) {
        PortKeys<?> keys = PortKeys.of(registry, address, port);
        return masker.masks(port.key().field())
                ? new PortKeyDeserializer<>(address.topic(), keys, masker, String.class)
                : new PortKeyDeserializer<>(address.topic(), keys, null, keys.type());
    }

    /** True if the consumer sees hashes instead of the port's keys. */
    public boolean hashesKeys() {
        return masker != null;
    }

    /** The port's own keys, as the port's records carry them. */
    public PortKeys<?> portKeys() {
        return portKeys;
    }

    /** The Java type the consumer sees: the key field's, or {@code String} for hashed keys. */
    public Class<K> type() {
        return type;
    }

    /**
     * This deserializer for keys of {@code requested}, which must be the type the consumer sees.
     *
     * @param domain the consuming domain, for the message
     * @param fix    the call to make instead, given the right type
     * @throws KeyTypeMismatchException naming the port, the key field, both types and the fix
     */
    @SuppressWarnings("unchecked")
    public <T> PortKeyDeserializer<T> requireType(Class<T> requested, String domain, Function<Class<?>, String> fix) {
        if (masker == null) {
            portKeys.requireType(requested, fix);
        } else if (requested != String.class) {
            throw new KeyTypeMismatchException("Port " + portTopic + " is keyed by field '" + portKeys.field() + "', which"
                    + " domain '" + domain + "' may not see in clear: it sees the keys hashed, so they are String (the"
                    + " hash in hex), not " + requested.getSimpleName() + ". " + fix.apply(String.class));
        }
        return (PortKeyDeserializer<T>) this;
    }

    @Override
    public @Nullable K deserialize(String topic, byte @Nullable [] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public @Nullable K deserialize(String topic, @Nullable Headers headers, byte @Nullable [] data) {
        if (masker == null) {
            return type.cast(portKeys.deserialize(topic, data));
        }
        if (data == null) {
            return null;
        }
        if (!portTopic.equals(topic)) {
            return type.cast(new String(data, StandardCharsets.UTF_8));
        }
        Object key = portKeys.deserialize(topic, data);
        return type.cast(key == null ? null : masker.maskKey(key.toString()));
    }

    /** The keys as text (a number in decimal, a hash in hex), e.g. for a global table's masked copy. */
    public Deserializer<String> asText() {
        return (topic, data) -> {
            Object key = deserialize(topic, data);
            return key == null ? null : key.toString();
        };
    }
}
