package io.meshstreams.subscribe;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
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
 * @param registryRetryBackoff    how long a partition first waits before its record is read again, after the schema
 *                                registry could not be asked for the record's schema; 500 ms by default
 * @param registryRetryBackoffMax the longest such wait (the wait doubles with each failure, jittered); 30 s by default
 */
public record SubscriberOptions(String name, OnUndecodable onUndecodable, @Nullable String deadLetterTopic,
                                Map<String, Object> consumerConfig, Duration registryRetryBackoff,
                                Duration registryRetryBackoffMax) {
    static final Duration DEFAULT_REGISTRY_RETRY_BACKOFF = Duration.ofMillis(500);
    static final Duration DEFAULT_REGISTRY_RETRY_BACKOFF_MAX = Duration.ofSeconds(30);

    public SubscriberOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(onUndecodable, "onUndecodable");
        consumerConfig = Map.copyOf(consumerConfig);
        Objects.requireNonNull(registryRetryBackoff, "registryRetryBackoff");
        Objects.requireNonNull(registryRetryBackoffMax, "registryRetryBackoffMax");
        if (registryRetryBackoff.isNegative() || registryRetryBackoff.isZero()
                || registryRetryBackoffMax.compareTo(registryRetryBackoff) < 0) {
            throw new IllegalArgumentException("Subscriber '" + name + "': the registry retry backoff must be positive "
                    + "and at most its maximum, but was " + registryRetryBackoff + " with maximum "
                    + registryRetryBackoffMax + "; e.g. withRegistryRetryBackoff(Duration.ofMillis(500), "
                    + "Duration.ofSeconds(30))");
        }
    }

    /** Options with the defaults of every other component. */
    public SubscriberOptions(String name, OnUndecodable onUndecodable, @Nullable String deadLetterTopic,
                             Map<String, Object> consumerConfig) {
        this(name, onUndecodable, deadLetterTopic, consumerConfig, DEFAULT_REGISTRY_RETRY_BACKOFF,
                DEFAULT_REGISTRY_RETRY_BACKOFF_MAX);
    }

    public static SubscriberOptions named(String name) {
        return new SubscriberOptions(name, OnUndecodable.DEAD_LETTER, null, Map.of());
    }

    public SubscriberOptions withOnUndecodable(OnUndecodable policy) {
        return new SubscriberOptions(name, policy, deadLetterTopic, consumerConfig, registryRetryBackoff,
                registryRetryBackoffMax);
    }

    public SubscriberOptions withDeadLetterTopic(String topic) {
        return new SubscriberOptions(name, onUndecodable, Objects.requireNonNull(topic, "topic"), consumerConfig,
                registryRetryBackoff, registryRetryBackoffMax);
    }

    public SubscriberOptions withConsumerConfig(String key, Object value) {
        Map<String, Object> copy = new HashMap<>(consumerConfig);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new SubscriberOptions(name, onUndecodable, deadLetterTopic, copy, registryRetryBackoff,
                registryRetryBackoffMax);
    }

    /**
     * How long a partition waits before its record is read again after the schema registry could not be asked for
     * the record's schema: {@code initial} first, doubling with each further failure up to {@code max}, jittered.
     */
    public SubscriberOptions withRegistryRetryBackoff(Duration initial, Duration max) {
        return new SubscriberOptions(name, onUndecodable, deadLetterTopic, consumerConfig, initial, max);
    }
}
