package io.meshstreams.subscribe;

import io.meshstreams.publish.ContractHeader;

import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import java.util.Optional;

/**
 * A record read from a port, decoded with the port's contract schema.
 *
 * @param <K> the key type
 * @param <V> the value type: {@code GenericRecord} or a generated {@code SpecificRecord}
 *
 * @param key       the key, of the port's key field's type ({@code String}, {@code Integer} or {@code Long}; a key the
 *                  consumer sees hashed is a {@code String}), or null
 * @param value     the decoded value
 * @param headers   the record's headers: a {@code traceparent}, the contract header {@code mesh} if the publisher
 *                  wrote one, ...
 * @param topic     the port's topic
 * @param partition its partition
 * @param offset    its offset
 * @param timestamp its timestamp, epoch milliseconds
 */
public record PortMessage<K, V>(@Nullable K key, V value, Headers headers, String topic, int partition, long offset,
                             long timestamp) {

    /**
     * The contract the record was published under, from its {@code mesh} header; empty if it has none, as records of
     * publishers without {@code PublisherOptions.withContractHeader()} do (the value's schema, which the subscriber
     * decoded it with, and the topic say the same).
     */
    public Optional<ContractHeader> contract() {
        return ContractHeader.of(headers);
    }
}
