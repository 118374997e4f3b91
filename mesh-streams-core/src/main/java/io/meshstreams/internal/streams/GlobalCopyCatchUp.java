package io.meshstreams.internal.streams;

import io.meshstreams.MeshException;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Brings the masked copies that feed global tables up to date before a topology starts, so that its global tables
 * hold every record published on their ports before the start, as plain Kafka Streams global tables do (a global
 * table is read to its end before any stream record is processed; a masked copy is written by the application
 * itself, so without this the copy would still be filling while stream records look it up).
 *
 * <p>It does what the topology's copy would do (the port's records, masked by the same deserializers, written to the
 * copy topic with the same serializers, keys and timestamps), from where the application left off up to the port's
 * end at the start, and commits the application's offsets for the port with what it copied (in the same transactions
 * under exactly-once): the topology resumes after what was copied, and copies nothing twice. Its clients are built
 * from the application's own Kafka Streams configuration.
 *
 * <p>It stands aside when the copy is not its own to bring up to date: a port the topology also reads as a stream or
 * table (its offsets are that processing's too; the caller passes only the others), an application whose consumer
 * group keeps members for longer than a session timeout (a running instance keeps the copy current), static
 * membership or the {@code streams} group protocol (the group's members cannot be told apart from a running
 * instance here). Another instance catching up at the same moment fences this one: it then waits for that one's
 * offsets. A record it cannot copy stops the copy of that partition before it; the topology takes it from that record
 * (and sends it to the dead-letter topic).
 */
public final class GlobalCopyCatchUp {
    private static final Logger log = LoggerFactory.getLogger(GlobalCopyCatchUp.class);
    /** Records per transaction, and how long one may stay open, well within the default transaction timeout. */
    static final int RECORDS_PER_TRANSACTION = 10_000;
    static final long MAX_TRANSACTION_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Added to the group's session timeout while waiting for the member of a closed instance to expire. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(15);
    private static final long ADMIN_TIMEOUT_MS = 15_000;
    /** Kafka's default {@code session.timeout.ms}. */
    private static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    private static final long POLL_MS = 500;

    /** One global table's copy: what the topology's copy reads, how it masks, and what it writes. */
    public record Copy(String portTopic, String copyTopic, Deserializer<String> keys, Deserializer<GenericRecord> values,
                       Serializer<GenericRecord> copyValues) {
    }

    private final String applicationId;
    private final List<Copy> copies;
    private final long deadline;
    private final boolean exactlyOnce;
    private final Map<String, Object> adminConfig;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final Duration memberExpiry;
    /** Why this application's copies cannot be brought up to date here, or null. */
    private final @Nullable String standAside;

    private GlobalCopyCatchUp(Properties streamsProperties, List<Copy> copies, Duration timeout) {
        StreamsConfig config = new StreamsConfig(streamsProperties);
        this.applicationId = config.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        this.copies = copies;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.exactlyOnce = !StreamsConfig.AT_LEAST_ONCE.equals(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        String clientId = applicationId + "-global-catch-up";
        this.adminConfig = config.getAdminConfigs(clientId);
        this.consumerConfig = new HashMap<>(config.getGlobalConsumerConfigs(clientId));
        consumerConfig.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (exactlyOnce) { // offsets go with the producer's transactions
            consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else { // offsets are committed by the consumer, for the application's group, after the records are written
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId);
        }
        this.producerConfig = new HashMap<>(config.getProducerConfigs(clientId));
        if (exactlyOnce) {
            producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, clientId);
        }
        Map<String, Object> mainConsumer = config.getMainConsumerConfigs(applicationId, clientId, 0);
        Object session = mainConsumer.getOrDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                DEFAULT_SESSION_TIMEOUT_MS);
        this.memberExpiry = Duration.ofMillis(Long.parseLong(session.toString())).plus(EXPIRY_MARGIN);
        String protocol = config.getString(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        this.standAside = mainConsumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) != null ? "static membership"
                : "streams".equalsIgnoreCase(protocol) ? "the streams group protocol" : null;
    }

    /**
     * Copies what is missing, using the clients the application's configuration describes; returns the number of
     * records copied. Gives up (with a warning) at the deadline, having committed what it copied: the topology copies
     * the rest.
     *
     * @throws MeshException if the application's principal may not do what the catch-up needs
     */
    public static long catchUp(Properties streamsProperties, List<Copy> copies, Duration timeout) {
        if (copies.isEmpty()) {
            return 0;
        }
        return new GlobalCopyCatchUp(streamsProperties, copies, timeout).run();
    }

    private long run() {
        if (standAside != null) {
            log.info("Not bringing the masked copies of {} up to date before starting: with {} a running instance cannot"
                    + " be told apart; the topology copies the ports while it runs", applicationId, standAside);
            return 0;
        }
        try (Admin admin = Admin.create(adminConfig);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            Map<TopicPartition, Copy> copyOf = new HashMap<>();
            for (Copy copy : copies) {
                consumer.partitionsFor(copy.portTopic()).forEach(p ->
                        copyOf.put(new TopicPartition(copy.portTopic(), p.partition()), copy));
            }
            consumer.assign(copyOf.keySet()); // read_committed end offsets are looked up for assigned partitions
            Map<TopicPartition, Long> end = consumer.endOffsets(copyOf.keySet());
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(copyOf.keySet());
            if (behind(committed(admin), end, beginning).isEmpty()) {
                return 0; // nothing to copy: no need to wait for anyone
            }
            if (!awaitNoMembers(admin)) {
                log.info("Not bringing the masked copies of {} up to date: the application's consumer group still has"
                        + " members after {} s, so an instance is running and keeps them current", applicationId,
                        memberExpiry.toSeconds());
                return 0;
            }
            Map<TopicPartition, Long> from = behind(committed(admin), end, beginning); // the last run may have moved on
            if (from.isEmpty()) {
                return 0;
            }
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            try {
                return copy(consumer, copyOf, end);
            } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
                log.info("Another instance of {} is bringing its masked copies up to date; waiting for its offsets",
                        applicationId);
                awaitCommitted(admin, end);
                return 0;
            }
        } catch (AuthorizationException denied) {
            throw refused(denied);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while bringing the masked copies of " + applicationId + " up to date", e);
        } catch (KafkaException | ExecutionException | TimeoutException failed) {
            Throwable cause = failed instanceof ExecutionException && failed.getCause() != null ? failed.getCause() : failed;
            if (cause instanceof AuthorizationException denied) {
                throw refused(denied);
            }
            log.warn("Could not bring the masked copies of {} up to date before starting ({}); the topology copies the"
                    + " ports while it runs", applicationId, cause.toString());
            return 0;
        }
    }

    /** Where each partition still behind must be copied from. */
    private static Map<TopicPartition, Long> behind(Map<TopicPartition, OffsetAndMetadata> committed,
                                                    Map<TopicPartition, Long> end, Map<TopicPartition, Long> beginning) {
        Map<TopicPartition, Long> behind = new HashMap<>();
        end.forEach((partition, last) -> {
            OffsetAndMetadata done = committed.get(partition);
            long from = Math.max(done == null ? 0 : done.offset(), beginning.get(partition));
            if (from < last) {
                behind.put(partition, from);
            }
        });
        return behind;
    }

    private long copy(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Copy> copyOf,
                      Map<TopicPartition, Long> end) {
        StringSerializer keySerializer = new StringSerializer();
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        boolean open = false;
        try {
            if (exactlyOnce) {
                producer.initTransactions();
                producer.beginTransaction();
                open = true;
            }
            long transactionStarted = System.nanoTime();
            Set<TopicPartition> copying = new HashSet<>(consumer.assignment());
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            long copied = 0;
            int inTransaction = 0;
            while (!copying.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    log.warn("Bringing the masked copies of {} up to date took too long; {} copied, the topology copies"
                            + " the rest while it runs (partitions {} not caught up)", applicationId, copied, copying);
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (!copying.contains(partition) || record.offset() >= end.get(partition)) {
                        continue; // published after the start: the topology's
                    }
                    ProducerRecord<byte[], byte[]> copyRecord = copyOf(copyOf.get(partition), record, keySerializer);
                    if (copyRecord == null) {
                        copying.remove(partition);
                        consumer.pause(List.of(partition));
                        continue;
                    }
                    producer.send(copyRecord);
                    next.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    copied++;
                    inTransaction++;
                }
                // read_committed positions step over transaction markers, so the position (not the last record) says
                // whether a partition has reached its end; what lies beyond the end is not this copy's to commit
                for (TopicPartition partition : List.copyOf(copying)) {
                    long position = consumer.position(partition);
                    if (position >= end.get(partition)) {
                        next.put(partition, new OffsetAndMetadata(end.get(partition)));
                        copying.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
                if (inTransaction >= RECORDS_PER_TRANSACTION
                        || System.nanoTime() - transactionStarted > MAX_TRANSACTION_NANOS) {
                    commit(producer, consumer, next);
                    if (exactlyOnce) {
                        producer.beginTransaction();
                    }
                    transactionStarted = System.nanoTime();
                    inTransaction = 0;
                }
            }
            commit(producer, consumer, next);
            open = false;
            log.info("Brought the masked copies of {} up to date before starting: {} records copied", applicationId,
                    copied);
            return copied;
        } catch (KafkaException failed) {
            if (open && !(failed instanceof ProducerFencedException) && !(failed instanceof InvalidProducerEpochException)) {
                try {
                    producer.abortTransaction(); // so that no open transaction holds back the copy's readers
                } catch (KafkaException abortFailed) {
                    failed.addSuppressed(abortFailed);
                }
            }
            throw failed;
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** The copy of a port record, or null when it cannot be copied (the topology then meets it, and dead-letters it). */
    private @Nullable ProducerRecord<byte[], byte[]> copyOf(Copy copy, ConsumerRecord<byte[], byte[]> record,
                                                           StringSerializer keySerializer) {
        try {
            String key = copy.keys().deserialize(record.topic(), record.headers(), record.key());
            if (key == null) {
                throw new IllegalArgumentException("no key: a compacted copy cannot hold it");
            }
            GenericRecord masked = copy.values().deserialize(record.topic(), record.headers(), record.value());
            return new ProducerRecord<>(copy.copyTopic(), null, record.timestamp(),
                    keySerializer.serialize(copy.copyTopic(), key),
                    copy.copyValues().serialize(copy.copyTopic(), record.headers(), masked), record.headers());
        } catch (RuntimeException cannotCopy) {
            log.warn("Record {}-{}@{} cannot be copied ({}); the copy of that partition stops before it and the topology"
                    + " takes it from there", record.topic(), record.partition(), record.offset(), cannotCopy.toString());
            return null;
        }
    }

    private void commit(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer,
                        Map<TopicPartition, OffsetAndMetadata> next) {
        if (exactlyOnce) {
            if (!next.isEmpty()) {
                producer.sendOffsetsToTransaction(next, new ConsumerGroupMetadata(applicationId));
            }
            producer.commitTransaction();
        } else {
            producer.flush(); // the records first: at least once
            if (!next.isEmpty()) {
                consumer.commitSync(next);
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listConsumerGroupOffsets(applicationId, new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the group has no members; false if it still has some after a session timeout (and a margin). An
     * instance closed a moment ago stays a member until its session times out (Kafka Streams does not leave the group
     * on close), which Kafka Streams would wait for anyway before this instance could take over its partitions.
     */
    private boolean awaitNoMembers(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        long until = Math.min(deadline, System.nanoTime() + memberExpiry.toNanos());
        boolean told = false;
        while (hasMembers(admin)) {
            if (System.nanoTime() > until) {
                return false;
            }
            if (!told) {
                log.info("Waiting (up to {} s) for the consumer group of {} to have no members before bringing its"
                        + " masked copies up to date; a member of a closed instance leaves when its session times out",
                        memberExpiry.toSeconds(), applicationId);
                told = true;
            }
            Thread.sleep(POLL_MS);
        }
        return true;
    }

    private boolean hasMembers(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(applicationId);
            return group != null && !group.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw e;
        }
    }

    /** Waits (up to the deadline) until the group's offsets reach the ends another instance is copying to. */
    private void awaitCommitted(Admin admin, Map<TopicPartition, Long> end)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
            if (end.entrySet().stream().allMatch(e -> committed.containsKey(e.getKey())
                    && committed.get(e.getKey()).offset() >= e.getValue())) {
                return;
            }
            Thread.sleep(POLL_MS);
        }
        log.warn("The other instance of {} did not finish bringing the masked copies up to date in time; starting anyway",
                applicationId);
    }

    private MeshException refused(AuthorizationException denied) {
        return new MeshException("Cannot bring the masked copies of " + applicationId + " up to date: " + denied
                + ". The application's principal needs what its Kafka Streams application needs (read on the ports,"
                + " write on its own '" + applicationId + "-' topics, its transactional ids and the consumer group '"
                + applicationId + "'); or start it with GovernedTopology.GLOBAL_CATCH_UP_TIMEOUT_CONFIG = 0", denied);
    }
}
