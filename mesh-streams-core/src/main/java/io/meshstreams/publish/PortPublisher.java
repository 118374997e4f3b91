package io.meshstreams.publish;

import io.meshstreams.product.PortAddress;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Publishes records on one output port of the caller's own domain, holding each to the port's contract.
 *
 * <p>For every record, before anything is sent: the key is present (taken from the port's key field when the caller
 * gives none, and equal to it when given), the value conforms to the port's Avro schema, and every rule of the port
 * holds. All violations of a record are collected. A record that keeps the contract goes to the port's topic with a
 * {@link ContractHeader} naming the contract (port version, schema version and id) and the producing domain
 * ({@code mesh: 1.3;7;orders}); the caller's headers, such as a W3C
 * {@code traceparent}, pass through. A record that breaks
 * it is, per the port's {@code onViolation}, either rejected (nothing is sent; a {@link ContractViolationException}
 * lists every violation) or quarantined (it goes to {@code <topic>.quarantine} with headers that name the port, the
 * contract version and each violation, and the result says so). Nothing is dropped silently: every record ends on
 * the port, in quarantine, or in an exception the caller sees; {@link #stats()} counts each exactly once.
 *
 * <ol>
 *   <li>Thread-safe: one publisher may be shared by many threads, as a {@code KafkaProducer} may.</li>
 *   <li>The async methods return at once; their futures complete when Kafka acknowledged the record (or refused
 *       it). The sync methods wait for that.</li>
 *   <li>A transactional publisher ({@link PublisherOptions#withTransactionalId(String)}) publishes only inside
 *       {@link #transaction(Consumer)}; everything published there, quarantined records included, commits or aborts
 *       together.</li>
 *   <li>{@link #close()} sends what is buffered and releases the producer; the creator closes the publisher.</li>
 * </ol>
 *
 * @param <K> the key type: the key field's value, as the caller passes it
 * @param <V> the value type: {@code GenericRecord} or a generated {@code SpecificRecord}
 */
public interface PortPublisher<K, V> extends AutoCloseable {

    /** The port this publisher writes. */
    PortAddress port();

    /** The port's value schema, to build records with. */
    Schema schema();

    /** Publishes a record keyed by the port's key field and waits for the acknowledgement. */
    default PublishResult publish(V value) {
        return publish(PortRecord.of(value));
    }

    /** Publishes a record with the given key (null: take it from the key field) and waits for the acknowledgement. */
    default PublishResult publish(@Nullable K key, V value) {
        return publish(PortRecord.of(key, value));
    }

    /**
     * Publishes a record and waits for the acknowledgement.
     *
     * @throws ContractViolationException if the record breaks the contract and the port rejects such records
     * @throws org.apache.kafka.common.KafkaException if Kafka did not acknowledge the record
     */
    PublishResult publish(PortRecord<K, V> record);

    default CompletableFuture<PublishResult> publishAsync(V value) {
        return publishAsync(PortRecord.of(value));
    }

    default CompletableFuture<PublishResult> publishAsync(@Nullable K key, V value) {
        return publishAsync(PortRecord.of(key, value));
    }

    /**
     * Checks the record now and sends it; the future completes when Kafka acknowledged it, exceptionally with a
     * {@link ContractViolationException} (rejected) or Kafka's exception (not acknowledged).
     */
    CompletableFuture<PublishResult> publishAsync(PortRecord<K, V> record);

    /**
     * Checks the record now and sends it; the callback is told where it went. Like {@code publishAsync} without a
     * future per record: the form for the highest throughput.
     */
    void publish(PortRecord<K, V> record, PublishCallback callback);

    /**
     * Runs {@code work} in one Kafka transaction: records it publishes through this publisher commit together when
     * it returns, or abort together when it throws (the exception is rethrown). Only for transactional publishers.
     *
     * @throws IllegalStateException if the publisher was not created with a transactional id
     */
    void transaction(Consumer<PortPublisher<K, V>> work);

    /** Sends every buffered record and waits for their acknowledgements. */
    void flush();

    /** Counts of what happened to the records handed to this publisher so far. */
    PublisherStats stats();

    @Override
    void close();
}
