package io.meshstreams.local.internal.registry;

import io.meshstreams.local.registry.SchemaRegistryStartException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RegistryStore} whose records live in a compacted, single-partition Kafka topic, so that a
 * restarted server, or another instance on the same cluster and topic, has the same state.
 *
 * <p>How it stays correct with several instances, without leader election:
 * <ol>
 *   <li>A reader thread consumes the topic from the beginning ({@code read_committed}, partition 0
 *       assigned, no consumer group) and applies every record to the in-memory state. Reads answer
 *       from that state.</li>
 *   <li>Every instance writes through a transactional producer with the same {@code transactional.id}
 *       (derived from the topic name). Initialising that producer fences every other instance's, so
 *       a transaction commits only if no other instance initialised after this one did.</li>
 *   <li>A write: initialise the producer if needed, catch the reader up to the topic's end (the last
 *       stable offset, read after the initialisation, so that it includes every commit that the
 *       fencing could not see), decide the change from that state, then begin, send and commit;
 *       then wait until the reader has applied the written records and answer. If another instance
 *       fenced us in between, the commit fails: re-initialise, catch up, decide again.</li>
 *   <li>Writes of one instance run one at a time. Every wait has the operation timeout as its
 *       deadline; on expiry the write fails with 50002, never hangs.</li>
 * </ol>
 * So a schema id is only ever issued from a state that contains every id issued before it.
 */
final class KafkaRegistryStore implements RegistryStore {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRegistryStore.class);
    private static final Set<String> OURS = Set.of(
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.ACKS_CONFIG, CommonClientConfigs.CLIENT_ID_CONFIG);

    /** Where and how to keep the state. */
    record Settings(String bootstrapServers, String topic, Map<String, Object> clientConfig,
                    Duration operationTimeout, Duration startTimeout) {
        Settings {
            clientConfig = Map.copyOf(clientConfig);
        }

        String transactionalId() {
            return "mesh-schema-registry-" + topic;
        }
    }

    private final Settings settings;
    private final TopicPartition partition;
    private final RegistryState state = new RegistryState();
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object progress = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> probe;
    private final Object probeLock = new Object();
    private final Thread reader;

    // guarded by progress
    private long appliedPosition = -1;
    private @Nullable RuntimeException readerFailure;

    // guarded by writeLock
    private @Nullable KafkaProducer<byte[], byte[]> producer;

    private KafkaRegistryStore(Settings settings) {
        this.settings = settings;
        this.partition = new TopicPartition(settings.topic(), 0);
        this.consumer = new KafkaConsumer<>(consumerConfig("reader"));
        KafkaConsumer<byte[], byte[]> probeConsumer;
        try {
            probeConsumer = new KafkaConsumer<>(consumerConfig("end-offsets"));
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        this.probe = probeConsumer;
        this.reader = new Thread(this::readLoop, "mesh-schema-registry-reader-" + settings.topic());
        this.reader.setDaemon(true);
    }

    /**
     * Verifies (or creates) the topic, reads it to its end and returns a ready store.
     *
     * @throws SchemaRegistryStartException if the topic is unusable or Kafka does not answer in time
     */
    static KafkaRegistryStore start(Settings settings) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        ensureTopic(settings, deadline);
        KafkaRegistryStore store = new KafkaRegistryStore(settings);
        try {
            store.consumer.assign(List.of(store.partition));
            // assigned but never polled: endOffsets then records the last stable offset quietly
            store.probe.assign(List.of(store.partition));
            store.consumer.seekToBeginning(List.of(store.partition));
            store.reader.start();
            long end = store.endOffset(deadline);
            store.awaitApplied(end, deadline, "reading the store topic at start");
            LOG.info("Schema registry store ready: topic '{}' read up to offset {}, {} subject(s), max id {}",
                    settings.topic(), end, store.read(s -> s.subjects(true).size()), store.read(RegistryState::maxId));
            return store;
        } catch (RegistryException e) {
            store.close();
            throw new SchemaRegistryStartException("Could not read the schema registry topic '" + settings.topic()
                    + "' from " + settings.bootstrapServers() + " within " + settings.startTimeout().toMillis()
                    + " ms: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    // ---- topic

    private static void ensureTopic(Settings settings, long deadline) {
        String topic = settings.topic();
        Map<String, Object> config = new HashMap<>(settings.clientConfig());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mesh-schema-registry-admin-" + topic);
        try (Admin admin = Admin.create(config)) {
            TopicDescription description = describe(admin, topic, deadline);
            if (description == null) {
                int brokers = get(admin.describeCluster().nodes(), deadline, "counting brokers").size();
                short replication = (short) Math.max(1, Math.min(3, brokers));
                NewTopic newTopic = new NewTopic(topic, 1, replication)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    get(admin.createTopics(List.of(newTopic)).all(), deadline, "creating topic '" + topic + "'");
                    LOG.info("Created schema registry topic '{}' (1 partition, replication factor {}, compacted)",
                            topic, replication);
                } catch (SchemaRegistryStartException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                while ((description = describe(admin, topic, deadline)) == null) {
                    pause(deadline, 100);
                }
            }
            if (description.partitions().size() != 1) {
                throw new SchemaRegistryStartException("Topic '" + topic + "' has " + description.partitions().size()
                        + " partitions; the schema registry needs exactly 1, so that every instance reads every "
                        + "change in the same order. Point kafkastore.topic at another topic, or delete '" + topic
                        + "' and let the registry create it.");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config topicConfig = get(admin.describeConfigs(List.of(resource)).all(), deadline,
                    "reading the configuration of topic '" + topic + "'").get(resource);
            ConfigEntry policy = topicConfig == null ? null : topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String value = policy == null ? "delete" : policy.value();
            if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(value)) {
                throw new SchemaRegistryStartException("Topic '" + topic + "' has cleanup.policy=" + value
                        + "; the schema registry needs cleanup.policy=compact, or retention would delete schemas. "
                        + "Run: kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                        + " --add-config cleanup.policy=compact");
            }
        }
    }

    private static @Nullable TopicDescription describe(Admin admin, String topic, long deadline) {
        try {
            return get(admin.describeTopics(List.of(topic)).allTopicNames(), deadline,
                    "describing topic '" + topic + "'").get(topic);
        } catch (SchemaRegistryStartException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, long deadline, String what) {
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SchemaRegistryStartException("Failed " + what + ": " + cause, cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SchemaRegistryStartException("Timed out " + what + "; is Kafka reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryStartException("Interrupted while " + what, e);
        }
    }

    private static void pause(long deadline, long millis) {
        if (System.nanoTime() > deadline) {
            throw new SchemaRegistryStartException("Timed out waiting for a new topic to become visible");
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryStartException("Interrupted", e);
        }
    }

    // ---- reading

    private Map<String, Object> consumerConfig(String role) {
        Map<String, Object> config = withoutOurs();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesh-schema-registry-" + role + "-" + settings.topic());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return config;
    }

    private Map<String, Object> withoutOurs() {
        Map<String, Object> config = new HashMap<>();
        settings.clientConfig().forEach((key, value) -> {
            if (!OURS.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
    }

    private void readLoop() {
        try {
            while (!closed.get()) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        apply(records);
                    }
                    long position = consumer.position(partition, Duration.ofSeconds(5));
                    synchronized (progress) {
                        appliedPosition = position;
                        readerFailure = null;
                        progress.notifyAll();
                    }
                } catch (WakeupException e) {
                    if (!closed.get()) {
                        LOG.warn("Schema registry reader woken up unexpectedly; going on");
                    }
                } catch (AuthenticationException | AuthorizationException e) {
                    readerFailed(e);
                    sleepQuietly(1_000);
                } catch (KafkaException e) {
                    readerFailed(e);
                    sleepQuietly(200);
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("Schema registry reader of topic '{}' stopped", settings.topic(), e);
            readerFailed(e instanceof RuntimeException re ? re : new KafkaException(e));
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void readerFailed(RuntimeException e) {
        LOG.warn("Schema registry reader of topic '{}' failed; retrying: {}", settings.topic(), e.toString());
        synchronized (progress) {
            readerFailure = e;
            progress.notifyAll();
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        stateLock.writeLock().lock();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                StoreEvent event = StoreCodec.decode(record.key(), record.value());
                if (event instanceof StoreEvent.Ignored ignored) {
                    LOG.debug("Skipping record at offset {} of '{}': {}", record.offset(), settings.topic(), ignored.reason());
                }
                state.apply(event);
            }
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last stable offset of the partition: every committed record lies before it. */
    private long endOffset(long deadline) {
        Duration remaining = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
        synchronized (probeLock) {
            try {
                Long end = probe.endOffsets(List.of(partition), remaining).get(partition);
                return end == null ? 0 : end;
            } catch (TimeoutException e) {
                throw RegistryException.timeout("Timed out after " + settings.operationTimeout().toMillis()
                        + " ms reading the end offset of the store topic '" + settings.topic() + "' on "
                        + settings.bootstrapServers() + "; is Kafka reachable?", e);
            } catch (KafkaException e) {
                throw RegistryException.storeError("Could not read the end offset of the store topic '"
                        + settings.topic() + "': " + e, e);
            }
        }
    }

    private void awaitApplied(long position, long deadline, String what) {
        synchronized (progress) {
            while (appliedPosition < position) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || closed.get()) {
                    String failure = readerFailure == null ? "" : "; last error: " + readerFailure;
                    throw RegistryException.timeout("Timed out after " + settings.operationTimeout().toMillis()
                            + " ms " + what + ": the reader of topic '" + settings.topic() + "' is at offset "
                            + appliedPosition + ", needs " + position + failure, readerFailure);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw RegistryException.timeout("Interrupted while " + what, e);
                }
            }
        }
    }

    // ---- RegistryStore

    @Override
    public <T> T read(Function<RegistryState, T> query) {
        stateLock.readLock().lock();
        try {
            return query.apply(state);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public <T> T write(Function<RegistryState, Mutation<T>> change) {
        long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
        try {
            if (!writeLock.tryLock(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw RegistryException.timeout("Timed out after " + settings.operationTimeout().toMillis()
                        + " ms waiting for this server's previous write to finish", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.timeout("Interrupted while waiting to write", e);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                if (closed.get()) {
                    throw RegistryException.storeError("The schema registry is closed", null);
                }
                try {
                    return writeOnce(change, deadline);
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    // another instance initialised the shared transactional.id: its state may be ahead of ours
                    LOG.debug("Write attempt {} on '{}' fenced by another instance; retrying", attempt, settings.topic());
                    closeProducer();
                    retryPause(attempt, deadline, e);
                } catch (RecordTooLargeException e) {
                    abortQuietly();
                    throw RegistryException.schemaTooLarge(e.getMessage() + " (the topic's max.message.bytes "
                            + "and the producer's max.request.size limit one record)");
                } catch (TimeoutException e) {
                    closeProducer();
                    throw RegistryException.timeout("Timed out after " + settings.operationTimeout().toMillis()
                            + " ms writing to the store topic '" + settings.topic() + "' on "
                            + settings.bootstrapServers() + ": " + e.getMessage(), e);
                } catch (AuthenticationException | AuthorizationException e) {
                    closeProducer();
                    throw RegistryException.storeError("Not allowed to write the store topic '" + settings.topic()
                            + "' with transactional.id '" + settings.transactionalId() + "': " + e.getMessage()
                            + "; grant WRITE on both", e);
                } catch (KafkaException e) {
                    LOG.debug("Write attempt {} on '{}' failed; retrying", attempt, settings.topic(), e);
                    closeProducer();
                    retryPause(attempt, deadline, e);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    private <T> T writeOnce(Function<RegistryState, Mutation<T>> change, long deadline) {
        KafkaProducer<byte[], byte[]> producer = producer();
        // read the end only now: initialising the producer finished every transaction before ours
        awaitApplied(endOffset(deadline), deadline, "catching up with the store topic before a write");
        Mutation<T> mutation = read(change);
        if (mutation.records().isEmpty()) {
            return mutation.result();
        }
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            for (StoreRecord record : mutation.records()) {
                sent.add(producer.send(new ProducerRecord<>(settings.topic(), 0, record.key(), record.value())));
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | TimeoutException e) {
            throw e;
        } catch (KafkaException e) {
            abortQuietly();
            throw unwrap(e);
        }
        long last = -1;
        for (Future<RecordMetadata> future : sent) {
            try {
                last = Math.max(last, future.get().offset());
            } catch (ExecutionException e) {
                throw new KafkaException("A committed record reports a failure", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryException.timeout("Interrupted after committing a write", e);
            }
        }
        awaitApplied(last + 1, deadline, "waiting for the reader to apply a write");
        return mutation.result();
    }

    private static KafkaException unwrap(KafkaException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RecordTooLargeException tooLarge) {
            return tooLarge;
        }
        return e;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer != null) {
            return producer;
        }
        Map<String, Object> config = withoutOurs();
        long timeoutMs = settings.operationTimeout().toMillis();
        int requestTimeout = (int) Math.max(1_000, Math.min(timeoutMs, 30_000));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "mesh-schema-registry-writer-" + settings.topic());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, requestTimeout + 5_000);
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, Math.min(2 * timeoutMs, 60_000)));
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(config);
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
        producer = created;
        return created;
    }

    private void abortQuietly() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            closeProducer();
        }
    }

    private void closeProducer() {
        KafkaProducer<byte[], byte[]> current = producer;
        producer = null;
        if (current != null) {
            try {
                current.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debug("Closing the registry producer failed", e);
            }
        }
    }

    private void retryPause(int attempt, long deadline, RuntimeException cause) {
        long pauseMs = Math.min(500, 20L * attempt) + ThreadLocalRandom.current().nextLong(20);
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs) > deadline) {
            throw RegistryException.timeout("Timed out after " + settings.operationTimeout().toMillis()
                    + " ms and " + attempt + " attempts writing to the store topic '" + settings.topic()
                    + "': " + cause, cause);
        }
        sleepQuietly(pauseMs);
    }

    /** Applied offset of the reader, for tests and logs. */
    long appliedPosition() {
        synchronized (progress) {
            return appliedPosition;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (progress) {
            progress.notifyAll(); // a write waiting for the reader gives up now
        }
        if (reader.getState() == Thread.State.NEW) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        } else {
            consumer.wakeup();
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeLock.lock();
        try {
            closeProducer();
        } finally {
            writeLock.unlock();
        }
        synchronized (probeLock) {
            probe.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

}
