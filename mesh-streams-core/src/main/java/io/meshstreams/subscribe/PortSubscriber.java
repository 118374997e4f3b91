package io.meshstreams.subscribe;

import io.meshstreams.product.PortAddress;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads another domain's output port under a grant, decoding each record with the port's contract schema (records
 * written with older compatible schemas are resolved to it).
 *
 * <pre>{@code
 * try (PortSubscriber<String, GenericRecord> orders = client.subscriber(PortAddress.parse("orders.order-events.placed.v1"),
 *         SubscriberOptions.named("revenue"))) {
 *     while (running) {
 *         orders.poll(Duration.ofSeconds(1), message -> revenue.add(message.value()));
 *     }
 * }
 * }</pre>
 *
 * <ol>
 *   <li>Creating a subscriber fails with an {@code AccessDeniedException} unless the consumer domain holds a grant
 *       on the port (or owns it).</li>
 *   <li>Fields classified above the grant's clearance are masked (hashed, redacted or dropped) before the handler
 *       sees them; the records' schema is then the masked one ({@code <Name>_masked_for_<clearance>}).</li>
 *   <li>A record that cannot be decoded never reaches the handler and never stops the loop: it is skipped or
 *       dead-lettered per {@link SubscriberOptions#onUndecodable()}, and counted.</li>
 *   <li>A schema registry that cannot be asked never skips a record. When a record names a schema the subscriber
 *       has not seen and the registry does not answer (or refuses, other than with a 404), its partition is paused
 *       at that record, and read again after a backoff
 *       ({@link SubscriberOptions#withRegistryRetryBackoff}: doubling, capped, jittered); other partitions go on,
 *       and {@link #poll} keeps the group membership. Nothing from that record on is committed, so a later poll, or
 *       another member of the group after a rebalance, starts exactly there. One WARN log names the port, the
 *       partition, the schema id and the registry when a partition pauses, one INFO when it goes on; the meters
 *       {@code mesh.subscribe.registry.unavailable} (a count of such records) and
 *       {@code mesh.subscribe.paused.partitions} (tagged {@code port}, {@code subscriber}) show the outage.</li>
 *   <li>At least once: offsets are committed after the handler returned for every record of a poll. An exception
 *       from the handler propagates and the records from the failing one on are read again.</li>
 *   <li>Keys are of the port's key field's type ({@code String}, {@code Integer}, {@code Long}), or {@code String}
 *       when the consumer sees them hashed; {@code STRING} keys are read from their text, {@code AVRO} keys with the
 *       port's canonical key schema.</li>
 *   <li>Not thread-safe, like a {@code KafkaConsumer}: one thread polls. The creator closes it.</li>
 * </ol>
 *
 * @param <K> the key type
 * @param <V> the value type: {@code GenericRecord} or a generated {@code SpecificRecord}
 */
public interface PortSubscriber<K, V> extends AutoCloseable {

    PortAddress port();

    /**
     * Polls once, hands every decodable record to the handler in order, deals with undecodable ones, and commits.
     *
     * @return the number of records handed to the handler
     */
    int poll(Duration timeout, Consumer<PortMessage<K, V>> handler);

    SubscriberStats stats();

    @Override
    void close();
}
