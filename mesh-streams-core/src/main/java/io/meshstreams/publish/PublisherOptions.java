package io.meshstreams.publish;

import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to create a {@link PortPublisher}: immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * client.publisher(PortAddress.parse("orders.order-events.placed.v1"), GenericRecord.class,
 *         PublisherOptions.named("checkout")
 *         .withTransactionalId("checkout-orders-1")
 *         .withProducerConfig("linger.ms", 10));
 * }</pre>
 *
 * @param name            the publisher's name: the producer's {@code client.id} and the metrics' {@code publisher} tag
 * @param transactionalId set for exactly-once publishing through {@link PortPublisher#transaction}; null otherwise
 * @param producerConfig  producer settings that override the defaults ({@code acks=all}, idempotence on)
 */
public record PublisherOptions(String name, @Nullable String transactionalId, Map<String, Object> producerConfig) {
    public PublisherOptions {
        Objects.requireNonNull(name, "name");
        producerConfig = Map.copyOf(producerConfig);
    }

    /** Options with a name and the defaults. */
    public static PublisherOptions named(String name) {
        return new PublisherOptions(name, null, Map.of());
    }

    /** Exactly-once publishing: records published in one {@link PortPublisher#transaction} commit or abort together. */
    public PublisherOptions withTransactionalId(String id) {
        return new PublisherOptions(name, Objects.requireNonNull(id, "id"), producerConfig);
    }

    public PublisherOptions withProducerConfig(String key, Object value) {
        Map<String, Object> copy = new HashMap<>(producerConfig);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new PublisherOptions(name, transactionalId, copy);
    }

    public Optional<String> transactionalIdIfAny() {
        return Optional.ofNullable(transactionalId);
    }
}
