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
import io.meshstreams.publish.PublisherStats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The {@link PortPublisher}: checks the contract on the caller's thread, serializes once, and sends bytes with a
 * {@code KafkaProducer<byte[], byte[]>} it owns. The publish path allocates the output array, the headers and the
 * producer record, nothing it could cache.
 */
public final class KafkaPortPublisher<K, V> implements PortPublisher<K, V> {
    /** Everything a publisher needs, resolved by the client before it is created. */
    public record Setup(PortAddress address, OutputPort port, String domain, int schemaId, int schemaVersion,
                        KafkaProducer<byte[], byte[]> producer, boolean transactional,
                        @Nullable Serializer<Object> avroKeySerializer, MeterRegistry meters, String name) {
    }

    private final PortAddress address;
    private final String topic;
    private final String quarantineTopic;
    private final Schema schema;
    private final ContractEnforcer enforcer;
    private final OnViolation onViolation;
    private final KafkaProducer<byte[], byte[]> producer;
    private final boolean transactional;
    private final PublisherHeaders headers;

    private final LongAdder published = new LongAdder();
    private final LongAdder quarantined = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder checks = new LongAdder();
    private final LongAdder checkNanos = new LongAdder();

    private final ReentrantLock transactionLock = new ReentrantLock();
    private volatile boolean inTransaction;
    private final AtomicLong transactionPublished = new AtomicLong();
    private final AtomicLong transactionQuarantined = new AtomicLong();
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
                setup.domain()), address.topic());
        // Metrics read the publisher's own counters when they are scraped: no meter call on the publish path.
        MeterRegistry meters = setup.meters();
        String portTag = address.topic();
        counter(meters, portTag, setup.name(), "published", published);
        counter(meters, portTag, setup.name(), "quarantined", quarantined);
        counter(meters, portTag, setup.name(), "rejected", rejected);
        counter(meters, portTag, setup.name(), "failed", failed);
        FunctionTimer.builder("mesh.publish.check", this, p -> p.checks.sum(), p -> p.checkNanos.sum(), TimeUnit.NANOSECONDS)
                .description("Time to check records against their port's contract and serialize them")
                .tags(Tags.of("port", portTag, "publisher", setup.name()))
                .register(meters);
    }

    private static void counter(MeterRegistry meters, String port, String publisher, String outcome, LongAdder adder) {
        FunctionCounter.builder("mesh.publish.records", adder, LongAdder::sum)
                .description("Records handed to a port publisher, by what became of them")
                .tags(Tags.of("port", port, "publisher", publisher, "outcome", outcome))
                .register(meters);
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
        CompletableFuture<PublishResult> future = publishAsync(record);
        try {
            return future.get();
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
        CompletableFuture<PublishResult> future = new CompletableFuture<>();
        publish(record, (result, exception) -> {
            if (exception != null) {
                future.completeExceptionally(exception);
            } else {
                future.complete(result);
            }
        });
        return future;
    }

    @Override
    public void publish(PortRecord<K, V> record, PublishCallback callback) {
        if (closed) {
            throw new IllegalStateException("The publisher for " + address + " is closed; create a new one");
        }
        if (transactional && !inTransaction) {
            throw new IllegalStateException("The publisher for " + address + " is transactional: publish inside"
                    + " publisher.transaction(p -> ...), or create it without a transactional id");
        }
        long started = System.nanoTime();
        ContractEnforcer.Checked checked = enforcer.check(record.key(), record.value());
        checkNanos.add(System.nanoTime() - started);
        checks.increment();
        List<Violation> violations = checked.violations();
        Long timestamp = record.timestamp();
        if (violations == null) {
            send(new ProducerRecord<>(topic, null, timestamp, checked.key(), checked.value(),
                    headers.forPort(record.headers())), List.of(), false, callback);
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
                headers.forQuarantine(record.headers(), violations, avro)), violations, true, callback);
    }

    private void send(ProducerRecord<byte[], byte[]> producerRecord, List<Violation> violations, boolean quarantine,
                      PublishCallback callback) {
        boolean inTx = inTransaction;
        if (inTx) {
            // Counted when the transaction ends: published or quarantined on commit, failed on abort.
            (quarantine ? transactionQuarantined : transactionPublished).incrementAndGet();
        }
        try {
            producer.send(producerRecord, (metadata, exception) -> complete(metadata, exception, violations, quarantine,
                    inTx, callback));
        } catch (RuntimeException e) {
            if (!inTx) {
                failed.increment();
            }
            callback.onCompletion(null, e);
        }
    }

    private void complete(RecordMetadata metadata, @Nullable Exception exception, List<Violation> violations,
                          boolean quarantine, boolean inTx, PublishCallback callback) {
        if (exception != null) {
            if (!inTx) {
                failed.increment();
            }
            callback.onCompletion(null, exception);
            return;
        }
        if (!inTx) { // in a transaction, the commit counts
            if (quarantine) {
                quarantined.increment();
            } else {
                published.increment();
            }
        }
        callback.onCompletion(new PublishResult(quarantine ? PublishResult.Outcome.QUARANTINED
                : PublishResult.Outcome.PUBLISHED, metadata.topic(), metadata.partition(), metadata.offset(),
                metadata.timestamp(), violations), null);
    }

    @Override
    public void transaction(Consumer<PortPublisher<K, V>> work) {
        if (!transactional) {
            throw new IllegalStateException("The publisher for " + address + " is not transactional: create it with"
                    + " PublisherOptions.named(...).withTransactionalId(\"<a stable id per publishing instance>\")");
        }
        transactionLock.lock();
        try {
            transactionPublished.set(0);
            transactionQuarantined.set(0);
            producer.beginTransaction();
            inTransaction = true;
            try {
                work.accept(this);
                inTransaction = false;
                producer.commitTransaction();
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
                inTransaction = false;
                failed.add(transactionPublished.get() + transactionQuarantined.get());
                closed = true;
                producer.close(Duration.ZERO);
                throw new MeshException("The transactional publisher for " + address + " can no longer publish ("
                        + fatal.getClass().getSimpleName() + ": " + fatal.getMessage() + "); its transaction was"
                        + " aborted. Create a new publisher.", fatal);
            } catch (RuntimeException e) {
                inTransaction = false;
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                failed.add(transactionPublished.get() + transactionQuarantined.get());
                throw e;
            }
            published.add(transactionPublished.get());
            quarantined.add(transactionQuarantined.get());
        } finally {
            transactionLock.unlock();
        }
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public PublisherStats stats() {
        return new PublisherStats(published.sum(), quarantined.sum(), rejected.sum(), failed.sum());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.close(Duration.ofSeconds(30));
    }
}
