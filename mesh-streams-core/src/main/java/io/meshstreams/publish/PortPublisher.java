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
 * holds. All violations of a record are collected. A record that keeps the contract goes to the port's topic with the
 * caller's headers, such as a W3C {@code traceparent}, as they are (and, with
 * {@link PublisherOptions#withContractHeader()}, a {@link ContractHeader} naming the contract and the producing domain,
 * {@code mesh: 1.3;7;orders}). A record that breaks
 * it is, per the port's {@code onViolation}, either rejected (nothing is sent; a {@link ContractViolationException}
 * lists every violation) or quarantined (it goes to {@code <topic>.quarantine} with headers that name the port, the
 * contract version and each violation, and the result says so). Nothing is dropped silently: every record ends on
 * the port, in quarantine, or in an exception the caller sees; {@link #stats()} counts each exactly once.
 *
 * <ol>
 *   <li>Thread-safe: one publisher may be shared by many threads, as a {@code KafkaProducer} may.</li>
 *   <li>The async methods return at once; their futures complete when Kafka acknowledged the record (or refused
 *       it). The sync methods wait for that. In a transaction, futures and callbacks complete when the transaction
 *       ends instead (see {@link #transaction(Consumer)}).</li>
 *   <li>A transactional publisher ({@link PublisherOptions#withTransactionalId(String)}) publishes only inside
 *       {@link #transaction(Consumer)}, on the thread that runs it; everything published there, quarantined records
 *       included, commits or aborts together.</li>
 *   <li>{@link #close()} sends what is buffered, releases the producer and removes the publisher's meters from the
 *       registry; the creator closes the publisher.</li>
 * </ol>
 *
 * @param <K> the key type, the key field's: {@code String} ({@code string}), {@code Integer} ({@code int}) or
 *            {@code Long} ({@code long})
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
     * <p>Inside {@link #transaction(Consumer)} the result means: written within the transaction. Consumers that read
     * {@code read_committed} see the record only when the transaction commits; if it aborts, {@code transaction}
     * throws.
     *
     * @throws ContractViolationException if the record breaks the contract and the port rejects such records
     * @throws org.apache.kafka.common.KafkaException if Kafka did not acknowledge the record
     * @throws IllegalStateException if the publisher is closed, or is transactional and this thread runs none of its
     *                               transactions
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
     *
     * <p>Inside {@link #transaction(Consumer)} a rejection still completes the future at once, but any other outcome
     * is known only when the transaction ends: on commit the future completes with the result; if the transaction
     * aborts, exceptionally with a {@link io.meshstreams.MeshException} that says why. So wait for it after
     * {@code transaction} returns: waiting ({@code get}, {@code join}) inside the work, on the transaction's thread,
     * throws {@link IllegalStateException} rather than waiting forever. To wait for a record inside the work, use
     * {@link #publish(PortRecord)}.
     */
    CompletableFuture<PublishResult> publishAsync(PortRecord<K, V> record);

    /**
     * Checks the record now and sends it; the callback is told where it went. Like {@code publishAsync} without a
     * future per record: the form for the highest throughput. Inside {@link #transaction(Consumer)}, as with
     * {@code publishAsync}, the callback is told when the transaction ends (a rejection at once), on the thread that
     * ran the transaction, before {@code transaction} returns.
     */
    void publish(PortRecord<K, V> record, PublishCallback callback);

    /**
     * Runs {@code work} in one Kafka transaction: records it publishes through this publisher commit together when
     * it returns, or abort together when it throws. Only for transactional publishers.
     *
     * <ol>
     *   <li>The work publishes on the thread that called {@code transaction}; records from other threads are refused
     *       with an {@link IllegalStateException} meanwhile. One transaction runs at a time: other threads calling
     *       {@code transaction} wait for it. Transactions do not nest.</li>
     *   <li>Whatever the work throws, {@code Error}s included, aborts the transaction and is rethrown as it is.</li>
     *   <li>Futures and callbacks of records published asynchronously in the transaction are completed when it
     *       ends, before {@code transaction} returns or throws: with their results if it committed, otherwise
     *       exceptionally with a {@link io.meshstreams.MeshException} whose cause says why it aborted.</li>
     *   <li>A commit that times out is tried again a few times. If it still times out, its outcome is unknown (the
     *       brokers may still commit it, or abort it when a producer with the same transactional id starts): this
     *       throws a {@link io.meshstreams.MeshException} and the publisher is closed; create a new one. So does an
     *       error the producer cannot recover from, such as being fenced by another producer with the same
     *       transactional id.</li>
     * </ol>
     *
     * @throws IllegalStateException if the publisher was not created with a transactional id, is closed, or this
     *                               thread already runs a transaction of it
     * @throws io.meshstreams.MeshException if the transaction could not commit, or its outcome is unknown
     */
    void transaction(Consumer<PortPublisher<K, V>> work);

    /** Sends every buffered record and waits for their acknowledgements. */
    void flush();

    /** Counts of what happened to the records handed to this publisher so far. */
    PublisherStats stats();

    @Override
    void close();
}
