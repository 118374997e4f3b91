package io.meshstreams.internal.publish;

import io.meshstreams.MeshException;
import io.meshstreams.contract.Violation;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractHeader;
import io.meshstreams.publish.ContractViolationException;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublishCallback;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.publish.PublisherStats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The {@link PortPublisher}: checks the contract on the caller's thread, serializes once, and sends bytes with a
 * {@code KafkaProducer<byte[], byte[]>} it owns. Per record, the publish path pays what a plain producer with an Avro
 * serializer pays (the key and value arrays, the producer record, its callback) plus the rules, the callback to the
 * caller's and the result: no header of its own unless asked for, no meter call, a clock read for one record in
 * {@link #TIMED_ONE_IN}. Measured with {@code mesh bench publish} (see the README's benchmark section).
 *
 * <p>A transactional publisher runs one transaction at a time, under {@link #transactionLock}, and takes records only
 * from the thread that holds it. The outcome of each record published asynchronously in a transaction is held back
 * until the transaction ends: a broker's acknowledgement says only that the record was written within the
 * transaction, which may still abort.
 */
public final class KafkaPortPublisher<K, V> implements PortPublisher<K, V> {
    private static final Logger log = LoggerFactory.getLogger(KafkaPortPublisher.class);
    /**
     * How often a commit that timed out is tried again before its outcome is given up as unknown. Each attempt waits
     * up to the producer's {@code max.block.ms}.
     */
    static final int COMMIT_RETRIES = 3;

    /** Everything a publisher needs, resolved by the client before it is created. */
    public record Setup(PortAddress address, OutputPort port, String domain, int schemaId, int schemaVersion,
                        Producer<byte[], byte[]> producer, boolean transactional,
                        @Nullable Serializer<Object> avroKeySerializer, MeterRegistry meters, PublisherOptions options) {
    }

    /**
     * One record in this many, drawn at random, has its check timed for {@code mesh.publish.check}: two clock reads
     * and two counter updates per record cost the publish path more than the rules of a small contract.
     */
    static final int TIMED_ONE_IN = 16;

    /** The {@code instance} tag of the meters: a number per publisher of this JVM, so no two share a meter. */
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final PortAddress address;
    private final String topic;
    private final String quarantineTopic;
    private final Schema schema;
    private final ContractEnforcer enforcer;
    private final OnViolation onViolation;
    private final Producer<byte[], byte[]> producer;
    private final boolean transactional;
    private final PublisherHeaders headers;
    private final MeterRegistry meterRegistry;
    /** This publisher's own meters, removed from the registry when it closes. */
    private final List<Meter> meters = new ArrayList<>(5);

    private final LongAdder published = new LongAdder();
    private final LongAdder quarantined = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    /** Records sent (or handed to the producer) that Kafka did not acknowledge, or whose transaction aborted. */
    private final LongAdder failed = new LongAdder();
    /** Records that failed while being checked (so never sent); counted as failed, not as checked. */
    private final LongAdder checkFailures = new LongAdder();
    /** The nanoseconds the timed checks took (one record in {@link #TIMED_ONE_IN}). */
    private final LongAdder timedCheckNanos = new LongAdder();

    /** Held by the thread that runs a transaction, for as long as it runs. */
    private final ReentrantLock transactionLock = new ReentrantLock();
    /** The running transaction; read and written only by the thread that holds {@link #transactionLock}. */
    private @Nullable OpenTransaction current;
    private volatile boolean closed;

    public KafkaPortPublisher(Setup setup) {
        OutputPort port = setup.port();
        this.address = setup.address();
        this.topic = address.topic();
        this.quarantineTopic = address.quarantineTopic();
        this.schema = port.valueSchema();
        this.enforcer = new ContractEnforcer(address, port, setup.schemaId(), setup.avroKeySerializer());
        this.onViolation = port.onViolation();
        this.producer = setup.producer();
        this.transactional = setup.transactional();
        this.headers = new PublisherHeaders(new ContractHeader(port.majorVersion(), setup.schemaVersion(), setup.schemaId(),
                setup.domain()), address.topic(), setup.options().contractHeader());
        // Metrics read the publisher's own counters when they are scraped: no meter call on the publish path. The
        // instance tag makes them this publisher's own: a registry hands back the meter it already has for the same
        // name and tags, which would read the counters of the first publisher of that name on the port.
        this.meterRegistry = setup.meters();
        Tags tags = Tags.of("port", address.topic(), "publisher", setup.options().name(),
                "instance", Long.toString(INSTANCES.incrementAndGet()));
        meters.add(counter(tags, "published", p -> p.published.sum()));
        meters.add(counter(tags, "quarantined", p -> p.quarantined.sum()));
        meters.add(counter(tags, "rejected", p -> p.rejected.sum()));
        meters.add(counter(tags, "failed", p -> p.failed.sum() + p.checkFailures.sum()));
        // count: the checked records whose outcome is known; total time: the timed checks' time, scaled up
        meters.add(FunctionTimer.builder("mesh.publish.check", this, KafkaPortPublisher::checkedRecords,
                        p -> (double) p.timedCheckNanos.sum() * TIMED_ONE_IN, TimeUnit.NANOSECONDS)
                .description("Time to check records against their port's contract and serialize them (one record in "
                        + TIMED_ONE_IN + " timed)")
                .tags(tags)
                .register(meterRegistry));
    }

    private Meter counter(Tags tags, String outcome, ToDoubleFunction<KafkaPortPublisher<K, V>> count) {
        return FunctionCounter.builder("mesh.publish.records", this, count)
                .description("Records handed to a port publisher, by what became of them")
                .tags(tags.and("outcome", outcome))
                .register(meterRegistry);
    }

    @Override
    public PortAddress port() {
        return address;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public PublishResult publish(PortRecord<K, V> record) {
        // In a transaction too, this waits for the broker's acknowledgement of this one record (not for the
        // transaction's end, which comes after the work returns): the record is written within the transaction.
        CompletableFuture<PublishResult> acknowledged = new CompletableFuture<>();
        checkAndSend(record, completing(acknowledged), admit(), false);
        try {
            return acknowledged.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while waiting for Kafka to acknowledge a record on " + address
                    + "; the record may or may not have been written", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new MeshException("Publishing on " + address + " failed: " + cause, cause);
        }
    }

    @Override
    public CompletableFuture<PublishResult> publishAsync(PortRecord<K, V> record) {
        OpenTransaction transaction = admit();
        CompletableFuture<PublishResult> future = transaction == null ? new CompletableFuture<>()
                : new TransactionOutcomeFuture<>(transaction, address);
        checkAndSend(record, completing(future), transaction, true);
        return future;
    }

    @Override
    public void publish(PortRecord<K, V> record, PublishCallback callback) {
        checkAndSend(record, callback, admit(), true);
    }

    private static PublishCallback completing(CompletableFuture<PublishResult> future) {
        return (result, exception) -> {
            if (exception != null) {
                future.completeExceptionally(exception);
            } else {
                future.complete(result);
            }
        };
    }

    /**
     * Whether a record may be published now, and in which transaction: none for a publisher that is not
     * transactional; for a transactional one, the transaction this thread runs.
     */
    private @Nullable OpenTransaction admit() {
        if (closed) {
            throw new IllegalStateException("The publisher for " + address + " is closed; create a new one");
        }
        if (!transactional) {
            return null;
        }
        OpenTransaction transaction = transactionLock.isHeldByCurrentThread() ? current : null;
        if (transaction == null) {
            throw new IllegalStateException("The publisher for " + address + " is transactional: publish inside"
                    + " publisher.transaction(p -> ...), on the thread that runs it (a transaction takes only the"
                    + " records its own thread publishes), or create the publisher without a transactional id");
        }
        return transaction;
    }

    /**
     * Checks the record and sends it (to the port or to quarantine) or rejects it. In a transaction, with
     * {@code untilTransactionEnds}, the callback learns the outcome when the transaction ends; otherwise when the
     * broker acknowledges the record. A rejection is told at once.
     */
    private void checkAndSend(PortRecord<K, V> record, PublishCallback callback, @Nullable OpenTransaction transaction,
                              boolean untilTransactionEnds) {
        boolean timed = (ThreadLocalRandom.current().nextInt() & (TIMED_ONE_IN - 1)) == 0;
        long started = timed ? System.nanoTime() : 0L;
        ContractEnforcer.Checked checked;
        try {
            checked = enforcer.check(record.key(), record.value());
        } catch (RuntimeException e) { // e.g. an Avro key the registry cannot resolve now: told, never thrown
            checkFailures.increment();
            MeshException failure = new MeshException("Could not check and serialize a record for " + address + ": "
                    + e.getMessage(), e);
            if (transaction == null) {
                callback.onCompletion(null, failure);
            } else { // a transaction must not commit without it
                transaction.notSent(failure);
                (untilTransactionEnds ? transaction.holdBack(callback) : callback).onCompletion(null, failure);
            }
            return;
        }
        if (timed) {
            timedCheckNanos.add(System.nanoTime() - started);
        }
        List<Violation> violations = checked.violations();
        Long timestamp = record.timestamp();
        if (violations == null) {
            send(new ProducerRecord<>(topic, null, timestamp, checked.key(), checked.value(),
                    headers.forPort(record.headers())), List.of(), false, callback, transaction, untilTransactionEnds);
            return;
        }
        if (onViolation == OnViolation.REJECT) {
            rejected.increment();
            callback.onCompletion(null, new ContractViolationException(address, violations));
            return;
        }
        boolean avro = checked.value() != null;
        byte[] quarantineValue = avro ? checked.value() : ContractEnforcer.describe(record.value());
        send(new ProducerRecord<>(quarantineTopic, null, timestamp, checked.key(), quarantineValue,
                headers.forQuarantine(record.headers(), violations, avro)), violations, true, callback, transaction,
                untilTransactionEnds);
    }

    private void send(ProducerRecord<byte[], byte[]> producerRecord, List<Violation> violations, boolean quarantine,
                      PublishCallback callback, @Nullable OpenTransaction transaction, boolean untilTransactionEnds) {
        if (transaction == null) {
            try {
                producer.send(producerRecord, (metadata, exception) -> acknowledged(metadata, exception, violations,
                        quarantine, callback));
            } catch (RuntimeException e) {
                failed.increment();
                callback.onCompletion(null, e);
            }
            return;
        }
        // Counted when the transaction ends: published or quarantined on commit, failed otherwise.
        transaction.count(quarantine);
        PublishCallback told = untilTransactionEnds ? transaction.holdBack(callback) : callback;
        try {
            producer.send(producerRecord, (metadata, exception) -> told.onCompletion(
                    exception == null ? result(metadata, violations, quarantine) : null, exception));
        } catch (RuntimeException e) {
            transaction.notSent(e);
            told.onCompletion(null, e);
        }
    }

    /** A broker's acknowledgement of a record published outside a transaction. */
    private void acknowledged(RecordMetadata metadata, @Nullable Exception exception, List<Violation> violations,
                              boolean quarantine, PublishCallback callback) {
        if (exception != null) {
            failed.increment();
            callback.onCompletion(null, exception);
            return;
        }
        if (quarantine) {
            quarantined.increment();
        } else {
            published.increment();
        }
        callback.onCompletion(result(metadata, violations, quarantine), null);
    }

    private static PublishResult result(RecordMetadata metadata, List<Violation> violations, boolean quarantine) {
        return new PublishResult(quarantine ? PublishResult.Outcome.QUARANTINED : PublishResult.Outcome.PUBLISHED,
                metadata.topic(), metadata.partition(), metadata.offset(), metadata.timestamp(), violations);
    }

    @Override
    public void transaction(Consumer<PortPublisher<K, V>> work) {
        if (!transactional) {
            throw new IllegalStateException("The publisher for " + address + " is not transactional: create it with"
                    + " PublisherOptions.named(...).withTransactionalId(\"<a stable id per publishing instance>\")");
        }
        if (transactionLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("transaction() was called inside a transaction of the publisher for "
                    + address + ": transactions do not nest; publish through the publisher the running transaction"
                    + " hands to its work");
        }
        transactionLock.lock();
        OpenTransaction transaction = null;
        try {
            if (closed) {
                throw new IllegalStateException("The publisher for " + address + " is closed; create a new one");
            }
            producer.beginTransaction();
            transaction = new OpenTransaction(Thread.currentThread());
            current = transaction;
            try {
                work.accept(this);
            } catch (Throwable workFailure) { // Errors and sneaky checked exceptions too: none may leave it open
                current = null;
                if (isFatal(workFailure)) {
                    throw closeAfterFatal(transaction, (RuntimeException) workFailure);
                }
                abort(transaction, workFailure, "the work threw " + workFailure);
                throw workFailure;
            }
            current = null;
            RuntimeException notSent = transaction.notSent();
            if (notSent != null) {
                MeshException failure = new MeshException("The transaction of the publisher for " + address
                        + " was aborted: a record published in it could not be handed to the producer ("
                        + notSent + ")", notSent);
                abort(transaction, failure, "a record of it could not be sent: " + notSent);
                throw failure;
            }
            commit(transaction);
        } finally {
            current = null;
            transactionLock.unlock();
            if (transaction != null) {
                transaction.end(address); // tells the held-back callbacks, outside the lock
            }
        }
    }

    private void commit(OpenTransaction transaction) {
        try {
            commitRetryingTimeouts();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
            throw closeAfterFatal(transaction, fatal);
        } catch (TimeoutException stillTimingOut) {
            closed = true;
            producer.close(Duration.ZERO);
            failed.add(transaction.records());
            MeshException unknown = new MeshException("Committing the transaction of the publisher for " + address
                    + " timed out " + (COMMIT_RETRIES + 1) + " times (each attempt waits up to the producer's"
                    + " max.block.ms), so its outcome is unknown: the brokers may still commit it, or abort it when a"
                    + " new producer with the same transactional id initialises. This publisher is closed; create a"
                    + " new one (with the same transactional id, which settles the open transaction) and check the"
                    + " port before publishing its records again.", stillTimingOut);
            transaction.failed(unknown);
            throw unknown;
        } catch (RuntimeException commitFailure) {
            abort(transaction, commitFailure, "committing it failed: " + commitFailure);
            throw commitFailure;
        }
        published.add(transaction.published);
        quarantined.add(transaction.quarantined);
        transaction.committed();
    }

    /** Commits; a commit that timed out is tried again, as {@code KafkaProducer.commitTransaction} allows. */
    private void commitRetryingTimeouts() {
        for (int retry = 0; ; retry++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException timeout) {
                if (retry == COMMIT_RETRIES) {
                    throw timeout;
                }
                log.warn("Committing the transaction of the publisher for {} timed out ({}); trying again ({} of {})",
                        address, timeout.getMessage(), retry + 1, COMMIT_RETRIES);
            }
        }
    }

    /**
     * Aborts the transaction; {@code why} gets what went wrong while aborting as a suppressed exception, so that the
     * caller still sees the original failure (a producer closed meanwhile throws an IllegalStateException here).
     */
    private void abort(OpenTransaction transaction, Throwable why, String reason) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailure) {
            why.addSuppressed(abortFailure);
            if (isFatal(abortFailure)) {
                closed = true;
                producer.close(Duration.ZERO);
            }
        }
        failed.add(transaction.records());
        transaction.failed(new MeshException("The transaction of the publisher for " + address + " was aborted ("
                + reason + "); the record is not on the port", why));
    }

    private MeshException closeAfterFatal(OpenTransaction transaction, RuntimeException fatal) {
        failed.add(transaction.records());
        closed = true;
        producer.close(Duration.ZERO);
        MeshException failure = new MeshException("The transactional publisher for " + address + " can no longer"
                + " publish (" + fatal.getClass().getSimpleName() + ": " + fatal.getMessage() + "); its transaction was"
                + " aborted. Create a new publisher.", fatal);
        transaction.failed(failure);
        return failure;
    }

    /** Errors after which the producer cannot go on: it is closed, and so is this publisher. */
    private static boolean isFatal(Throwable e) {
        return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || e instanceof AuthorizationException;
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public PublisherStats stats() {
        return new PublisherStats(published.sum(), quarantined.sum(), rejected.sum(),
                failed.sum() + checkFailures.sum());
    }

    /**
     * The checked records whose outcome is known: each is counted once, in one counter that only grows, so the sum
     * only grows too (as a meter's count must).
     */
    private long checkedRecords() {
        return published.sum() + quarantined.sum() + rejected.sum() + failed.sum();
    }

    @Override
    public void close() {
        if (!closed) { // (a publisher closed by a fatal error has closed its producer already)
            closed = true;
            producer.close(Duration.ofSeconds(30));
        }
        // after the producer, so that the meters counted the acknowledgements it waited for
        meters.forEach(meterRegistry::remove);
    }

    /**
     * The transaction a thread runs: what it published, counted when it ends, and the callbacks that learn the
     * outcome of their record when it ends.
     */
    private static final class OpenTransaction {
        private final Thread thread;
        private volatile boolean running = true;
        // Touched only by the transaction's thread:
        private long published;
        private long quarantined;
        private final List<HeldBackOutcome> heldBack = new ArrayList<>();
        private @Nullable RuntimeException notSent;
        private boolean committed;
        private @Nullable MeshException failure;

        OpenTransaction(Thread thread) {
            this.thread = thread;
        }

        void count(boolean quarantine) {
            if (quarantine) {
                quarantined++;
            } else {
                published++;
            }
        }

        long records() {
            return published + quarantined;
        }

        PublishCallback holdBack(PublishCallback callback) {
            HeldBackOutcome outcome = new HeldBackOutcome(callback);
            heldBack.add(outcome);
            return outcome;
        }

        /** A record that the producer refused to take: the transaction must not commit without it. */
        void notSent(RuntimeException e) {
            if (notSent == null) {
                notSent = e;
            }
        }

        @Nullable RuntimeException notSent() {
            return notSent;
        }

        void committed() {
            committed = true;
        }

        void failed(MeshException why) {
            failure = why;
        }

        /** Whether waiting on {@code waiter} for the outcome of one of its records would wait forever. */
        boolean runsOn(Thread waiter) {
            return running && waiter == thread;
        }

        /** Ends the transaction: every held-back callback learns its record's outcome. */
        void end(PortAddress address) {
            running = false;
            if (committed) {
                heldBack.forEach(HeldBackOutcome::committed);
                return;
            }
            MeshException why = failure != null ? failure : new MeshException("The transaction of the publisher for "
                    + address + " ended without committing; the record is not on the port");
            heldBack.forEach(outcome -> outcome.aborted(why));
        }
    }

    /**
     * The outcome of one record published asynchronously in a transaction, told to the caller's callback when the
     * transaction ends: on commit, the broker's acknowledgement (if that came later, when it comes); otherwise the
     * reason the transaction did not commit.
     */
    private static final class HeldBackOutcome implements PublishCallback {
        private final PublishCallback callback;
        // Guarded by this: the producer's I/O thread acknowledges, the transaction's thread ends the transaction.
        private @Nullable PublishResult result;
        private @Nullable Exception exception;
        private boolean acknowledged;
        private boolean committed;
        private boolean told;

        HeldBackOutcome(PublishCallback callback) {
            this.callback = callback;
        }

        @Override
        public void onCompletion(@Nullable PublishResult result, @Nullable Exception exception) {
            synchronized (this) {
                this.result = result;
                this.exception = exception;
                acknowledged = true;
                if (!committed || told) {
                    return;
                }
                told = true;
            }
            tell(result, exception);
        }

        void committed() {
            PublishResult acknowledgedResult;
            Exception acknowledgedException;
            synchronized (this) {
                committed = true;
                if (!acknowledged || told) {
                    return; // the acknowledgement tells, when it comes
                }
                told = true;
                acknowledgedResult = result;
                acknowledgedException = exception;
            }
            tell(acknowledgedResult, acknowledgedException);
        }

        void aborted(MeshException why) {
            synchronized (this) {
                if (told) {
                    return;
                }
                told = true;
            }
            tell(null, why);
        }

        private void tell(@Nullable PublishResult result, @Nullable Exception exception) {
            try {
                callback.onCompletion(result, exception);
            } catch (RuntimeException e) {
                // as the producer does with a callback that throws: the other records' callbacks are still told
                log.error("A publish callback threw; the other callbacks of the transaction are still called", e);
            }
        }
    }

    /**
     * The future of a record published asynchronously in a transaction. It completes when the transaction ends, so
     * waiting for it on the transaction's own thread before then would never end: that throws instead. Stages
     * derived from it ({@code thenApply}, ...) behave the same way.
     */
    private static final class TransactionOutcomeFuture<T> extends CompletableFuture<T> {
        private final OpenTransaction transaction;
        private final PortAddress address;

        TransactionOutcomeFuture(OpenTransaction transaction, PortAddress address) {
            this.transaction = transaction;
            this.address = address;
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            refuseToWaitInsideTheTransaction();
            return super.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
                java.util.concurrent.TimeoutException {
            refuseToWaitInsideTheTransaction();
            return super.get(timeout, unit);
        }

        @Override
        public T join() {
            refuseToWaitInsideTheTransaction();
            return super.join();
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new TransactionOutcomeFuture<>(transaction, address);
        }

        private void refuseToWaitInsideTheTransaction() {
            if (!isDone() && transaction.runsOn(Thread.currentThread())) {
                throw new IllegalStateException("The outcome of a record published in a transaction is known when the"
                        + " transaction ends; wait for it after transaction() returns (port " + address + "). Inside"
                        + " the transaction, publisher.publish(record) waits for the record to be written.");
            }
        }
    }
}
