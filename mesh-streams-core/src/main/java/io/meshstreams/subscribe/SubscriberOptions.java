package io.meshstreams.subscribe;

import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to create a {@link PortSubscriber}: immutable; each {@code withX} returns a copy.
 *
 * @param name            the subscriber's name; its consumer group is {@code <consumer domain>.<name>}, a namespace it
 *                        shares with the domain's Kafka Streams application ids: give each its own name
 * @param onUndecodable   what to do with records that cannot be decoded; {@link OnUndecodable#DEAD_LETTER} by default
 * @param deadLetterTopic the dead-letter topic, or null for {@code <consumer domain>.dead-letter}
 * @param consumerConfig  consumer settings that override the defaults
 */
public record SubscriberOptions(String name, OnUndecodable onUndecodable, @Nullable String deadLetterTopic,
                                Map<String, Object> consumerConfig) {
    public SubscriberOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(onUndecodable, "onUndecodable");
        consumerConfig = Map.copyOf(consumerConfig);
    }

    public static SubscriberOptions named(String name) {
        return new SubscriberOptions(name, OnUndecodable.DEAD_LETTER, null, Map.of());
    }

    public SubscriberOptions withOnUndecodable(OnUndecodable policy) {
        return new SubscriberOptions(name, policy, deadLetterTopic, consumerConfig);
    }

    public SubscriberOptions withDeadLetterTopic(String topic) {
        return new SubscriberOptions(name, onUndecodable, Objects.requireNonNull(topic, "topic"), consumerConfig);
    }

    public SubscriberOptions withConsumerConfig(String key, Object value) {
        Map<String, Object> copy = new HashMap<>(consumerConfig);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new SubscriberOptions(name, onUndecodable, deadLetterTopic, copy);
    }
}
