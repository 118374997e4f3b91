package io.meshstreams.internal.publish;

import io.meshstreams.MeshException;
import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Violation;
import io.meshstreams.internal.avro.SchemaConformance;
import io.meshstreams.internal.serde.GrowableOutput;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractViolationException;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherStats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final GrowableOutput out = new GrowableOutput();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    }

    /** Everything a publisher needs, resolved by the client before it is created. */
    public record Setup(PortAddress address, OutputPort port, String domain, int schemaId, int schemaVersion,
                        KafkaProducer<byte[], byte[]> producer, boolean transactional,
                        @Nullable Serializer<Object> avroKeySerializer, MeterRegistry meters, String name) {
    }

    private final PortAddress address;
    private final String topic;
    private final String quarantineTopic;
    private final Schema schema;
    private final long schemaFingerprint;
    private final int schemaId;
    private final ContractRules rules;
    private final KeyField keyField;
    private final KeyDefinition.Format keyFormat;
    private final @Nullable Serializer<Object> avroKeySerializer;
    private final OnViolation onViolation;
    private final KafkaProducer<byte[], byte[]> producer;
    private final boolean transactional;
    private final PublisherHeaders headers;
    private final Map<Schema, Boolean> acceptedSchemas = new ConcurrentHashMap<>();
    private final DatumWriter<Object> genericWriter;
    private final Map<Class<?>, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();

    private final LongAdder published = new LongAdder();
    private final LongAdder quarantined = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Counter publishedCounter;
    private final Counter quarantinedCounter;
    private final Counter rejectedCounter;
    private final Counter failedCounter;
    private final Timer checkTimer;

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
        this.schemaFingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.schemaId = setup.schemaId();
        this.rules = ContractRules.compile(schema, port.rules());
        this.keyField = new KeyField(schema, port.key().field());
        this.keyFormat = port.key().format();
        this.avroKeySerializer = setup.avroKeySerializer();
        this.onViolation = port.onViolation();
        this.producer = setup.producer();
        this.transactional = setup.transactional();
        this.headers = new PublisherHeaders(schemaId, port.majorVersion() + "." + setup.schemaVersion(), setup.domain(),
                address.topic());
        this.genericWriter = new GenericDatumWriter<>(schema, GenericData.get());
        MeterRegistry meters = setup.meters();
        String portTag = address.topic();
        this.publishedCounter = counter(meters, portTag, setup.name(), "published");
        this.quarantinedCounter = counter(meters, portTag, setup.name(), "quarantined");
        this.rejectedCounter = counter(meters, portTag, setup.name(), "rejected");
        this.failedCounter = counter(meters, portTag, setup.name(), "failed");
        this.checkTimer = Timer.builder("mesh.publish.check")
                .description("Time to check a record against its port's contract and serialize it")
                .tag("port", portTag)
                .tag("publisher", setup.name())
                .register(meters);
    }

    private static Counter counter(MeterRegistry meters, String port, String publisher, String outcome) {
        return Counter.builder("mesh.publish.records")
                .description("Records handed to a port publisher, by what became of them")
                .tag("port", port)
                .tag("publisher", publisher)
                .tag("outcome", outcome)
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
        if (closed) {
            throw new IllegalStateException("The publisher for " + address + " is closed; create a new one");
        }
        if (transactional && !inTransaction) {
            throw new IllegalStateException("The publisher for " + address + " is transactional: publish inside"
                    + " publisher.transaction(p -> ...), or create it without a transactional id");
        }
        long started = System.nanoTime();
        V value = record.value();
        List<Violation> violations = null;

        // 1. the key
        Object keyValue = null;
        if (value instanceof IndexedRecord indexed) {
            keyValue = keyField.read(indexed);
        }
        Object key = record.key() != null ? record.key() : keyValue;
        if (key == null) {
            violations = add(violations, Violation.ofKey("the record has no key: the key field '" + keyField.path()
                    + "' is null or missing. Fix: set " + keyField.path() + " on the record."));
        } else if (record.key() != null && keyValue != null && !record.key().toString().equals(keyValue.toString())) {
            violations = add(violations, Violation.ofKey("the given key '" + record.key() + "' differs from the key field '"
                    + keyField.path() + "' = '" + keyValue + "'. Fix: pass no key to take it from the field, or"
                    + " make them equal."));
        }

        // 2. the schema, by serializing
        byte[] valueBytes = null;
        boolean conforms = value instanceof IndexedRecord indexed && conforms(indexed.getSchema());
        if (!conforms) {
            violations = add(violations, Violation.ofSchema("", "the record's schema is "
                    + (value instanceof IndexedRecord indexed ? indexed.getSchema().getFullName()
                    + " with another structure than" : "not an Avro record, but a " + value.getClass().getName()
                    + "; expected") + " the port's schema " + schema.getFullName() + ". Fix: build the record with"
                    + " publisher.schema() (or the class generated from the port's .avsc)."));
        } else {
            try {
                valueBytes = serialize(value);
            } catch (RuntimeException e) {
                for (Violation v : SchemaConformance.violations(schema, value)) {
                    violations = add(violations, v);
                }
            }
        }

        // 3. the rules, on any record laid out like the port's schema (a rule that meets a bad value fails closed)
        if (conforms) {
            for (Violation v : rules.check((IndexedRecord) value)) {
                violations = add(violations, v);
            }
        }
        checkTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);

        byte[] keyBytes = key == null ? null : keyBytes(key);
        Long timestamp = record.timestamp();
        if (violations == null) {
            ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(topic, null, timestamp, keyBytes,
                    valueBytes, headers.forPort(record.headers()));
            return send(producerRecord, List.of(), false);
        }
        List<Violation> all = List.copyOf(violations);
        if (onViolation == OnViolation.REJECT) {
            count(rejected, rejectedCounter, 1);
            return CompletableFuture.failedFuture(new ContractViolationException(address, all));
        }
        boolean avro = valueBytes != null;
        byte[] quarantineValue = avro ? valueBytes : describe(value).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> quarantineRecord = new ProducerRecord<>(quarantineTopic, null, timestamp, keyBytes,
                quarantineValue, headers.forQuarantine(record.headers(), all, avro));
        return send(quarantineRecord, all, true);
    }

    private CompletableFuture<PublishResult> send(ProducerRecord<byte[], byte[]> producerRecord,
                                                  List<Violation> violations, boolean quarantine) {
        CompletableFuture<PublishResult> future = new CompletableFuture<>();
        boolean inTx = inTransaction;
        if (inTx) {
            // Counted when the transaction ends: published or quarantined on commit, failed on abort.
            (quarantine ? transactionQuarantined : transactionPublished).incrementAndGet();
        }
        try {
            producer.send(producerRecord, (metadata, exception) -> complete(future, metadata, exception, violations,
                    quarantine, inTx));
        } catch (RuntimeException e) {
            if (!inTx) {
                count(failed, failedCounter, 1);
            }
            future.completeExceptionally(e);
        }
        return future;
    }

    private void complete(CompletableFuture<PublishResult> future, RecordMetadata metadata, @Nullable Exception exception,
                          List<Violation> violations, boolean quarantine, boolean inTx) {
        if (exception != null) {
            if (!inTx) {
                count(failed, failedCounter, 1);
            }
            future.completeExceptionally(exception);
            return;
        }
        if (!inTx) { // in a transaction, the commit counts
            if (quarantine) {
                count(quarantined, quarantinedCounter, 1);
            } else {
                count(published, publishedCounter, 1);
            }
        }
        future.complete(new PublishResult(quarantine ? PublishResult.Outcome.QUARANTINED : PublishResult.Outcome.PUBLISHED,
                metadata.topic(), metadata.partition(), metadata.offset(), metadata.timestamp(), violations));
    }

    private static void count(LongAdder adder, Counter counter, long n) {
        adder.add(n);
        counter.increment(n);
    }

    private boolean conforms(@Nullable Schema recordSchema) {
        if (recordSchema == schema) {
            return true;
        }
        if (recordSchema == null) {
            return false;
        }
        return acceptedSchemas.computeIfAbsent(recordSchema,
                s -> SchemaNormalization.parsingFingerprint64(s) == schemaFingerprint);
    }

    private byte[] serialize(Object value) {
        DatumWriter<Object> writer = value instanceof SpecificRecord
                ? specificWriters.computeIfAbsent(value.getClass(),
                        type -> new SpecificDatumWriter<>(schema, SpecificData.getForClass(type)))
                : genericWriter;
        Scratch scratch = SCRATCH.get();
        GrowableOutput out = scratch.out;
        out.reset();
        out.writeHeader(schemaId);
        try {
            writer.write(value, scratch.encoder);
            scratch.encoder.flush();
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            out.shrinkIfHuge();
        }
    }

    private byte[] keyBytes(Object key) {
        if (keyFormat == KeyDefinition.Format.AVRO && avroKeySerializer != null) {
            Object normalized = key instanceof CharSequence text ? text.toString() : key;
            return avroKeySerializer.serialize(topic, normalized);
        }
        return key.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(Object value) {
        try {
            return GenericData.get().toString(value);
        } catch (RuntimeException e) {
            return String.valueOf(value);
        }
    }

    private static List<Violation> add(@Nullable List<Violation> list, Violation violation) {
        List<Violation> result = list == null ? new ArrayList<>(4) : list;
        result.add(violation);
        return result;
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
                count(failed, failedCounter, transactionPublished.get() + transactionQuarantined.get());
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
                count(failed, failedCounter, transactionPublished.get() + transactionQuarantined.get());
                throw e;
            }
            count(published, publishedCounter, transactionPublished.get());
            count(quarantined, quarantinedCounter, transactionQuarantined.get());
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
