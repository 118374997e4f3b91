package io.meshstreams.internal.streams;

import io.meshstreams.MeshException;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * copy topic with the same serializers, keys and timestamps), from where the application left off, up to the port's
 * end at the start, and commits the application's offsets for the port in the same transactions: the topology
 * resumes after what was copied, and copies nothing twice. It stands aside when the copy is not its own to bring up
 * to date: a port the topology also reads as a stream or table (its offsets are that processing's too), an
 * application whose consumer group keeps members (a running instance keeps the copy current), or another instance
 * catching up at the same moment (fenced: its transactions win). A record it cannot mask stops the copy of that
 * partition there; the topology takes it from that record (and sends it to the dead-letter topic).
 */
public final class GlobalCopyCatchUp {
    private static final Logger log = LoggerFactory.getLogger(GlobalCopyCatchUp.class);
    /** Records per transaction, so that a large port does not run into the transaction timeout. */
    static final int RECORDS_PER_TRANSACTION = 10_000;
    private static final long ADMIN_TIMEOUT_MS = 15_000;
    /** A consumer's default session timeout (45 s), and a margin for the coordinator to notice. */
    static final Duration MEMBER_EXPIRY = Duration.ofSeconds(60);
    private static final long MEMBER_POLL_MS = 500;

    /** One global table's copy: what the topology's copy reads, how it masks, and what it writes. */
    public record Copy(String portTopic, String copyTopic, Deserializer<String> keys, Deserializer<GenericRecord> values,
                       Serializer<GenericRecord> copyValues) {
    }

    private GlobalCopyCatchUp() {
    }

    /**
     * Copies what is missing; returns the number of records copied. Gives up (with a warning) at the deadline, having
     * committed what it copied: the topology copies the rest.
     */
    public static long catchUp(Map<String, Object> kafkaConfig, String applicationId, List<Copy> copies,
                               Duration timeout) {
        if (copies.isEmpty()) {
            return 0;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = Admin.create(kafkaConfig)) {
            if (!awaitNoMembers(admin, applicationId, Math.min(deadline, System.nanoTime() + MEMBER_EXPIRY.toNanos()))) {
                log.info("Not bringing the masked copies of {} up to date: the application's consumer group still has"
                        + " members after {} s, so an instance is running and keeps them current", applicationId,
                        MEMBER_EXPIRY.toSeconds());
                return 0;
            }
            committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while reading the offsets of " + applicationId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new MeshException("Cannot read the committed offsets of " + applicationId + " to bring its global"
                    + " tables' masked copies up to date: " + (e.getCause() != null ? e.getCause() : e), e);
        }

        Map<String, Object> consumerConfig = new HashMap<>(kafkaConfig);
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-global-catch-up");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> producerConfig = new HashMap<>(kafkaConfig);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, applicationId + "-global-catch-up");
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, applicationId + "-global-catch-up");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, Copy> copyOf = new HashMap<>();
            for (Copy copy : copies) {
                consumer.partitionsFor(copy.portTopic()).forEach(p ->
                        copyOf.put(new TopicPartition(copy.portTopic(), p.partition()), copy));
            }
            consumer.assign(copyOf.keySet()); // offsets of read_committed partitions are looked up for assigned ones
            Map<TopicPartition, Long> end = consumer.endOffsets(copyOf.keySet());
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(copyOf.keySet());
            Map<TopicPartition, Long> behind = new HashMap<>();
            for (TopicPartition partition : copyOf.keySet()) {
                OffsetAndMetadata done = committed.get(partition);
                long from = Math.max(done == null ? 0 : done.offset(), beginning.get(partition));
                if (from < end.get(partition)) {
                    behind.put(partition, from);
                }
            }
            if (behind.isEmpty()) {
                return 0;
            }
            consumer.assign(behind.keySet());
            behind.forEach(consumer::seek);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                return copy(consumer, producer, copyOf, end, applicationId, deadline);
            } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
                log.info("Another instance of {} is bringing its masked copies up to date; leaving it to that one",
                        applicationId);
                return 0;
            } catch (AuthorizationException denied) {
                throw new MeshException("Cannot bring the masked copies of " + applicationId + " up to date: " + denied
                        + ". The application's principal needs what its Kafka Streams application needs (read on the"
                        + " ports, write on its own '" + applicationId + "-' topics, the transactional ids and the"
                        + " consumer group '" + applicationId + "'); or start it with "
                        + "GovernedTopology.GLOBAL_CATCH_UP_TIMEOUT_CONFIG = 0", denied);
            } catch (KafkaException rejected) { // e.g. the group's offsets could not be committed: copied nothing
                log.warn("Could not bring the masked copies of {} up to date before starting ({}); the topology copies"
                        + " the ports while it runs", applicationId, rejected.toString());
                return 0;
            }
        }
    }

    private static long copy(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                             Map<TopicPartition, Copy> copyOf, Map<TopicPartition, Long> end, String applicationId,
                             long deadline) {
        StringSerializer keySerializer = new StringSerializer();
        ConsumerGroupMetadata group = new ConsumerGroupMetadata(applicationId);
        producer.initTransactions();
        producer.beginTransaction();
        Set<TopicPartition> copying = new HashSet<>(consumer.assignment());
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        long copied = 0;
        int inTransaction = 0;
        while (!copying.isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn("Bringing the masked copies of {} up to date took too long; {} copied, the topology copies the"
                        + " rest while it runs (partitions {} not caught up)", applicationId, copied, copying);
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (!copying.contains(partition) || record.offset() >= end.get(partition)) {
                    continue;
                }
                Copy copy = copyOf.get(partition);
                byte[] key;
                byte[] value;
                try {
                    key = keySerializer.serialize(copy.copyTopic(),
                            copy.keys().deserialize(record.topic(), record.headers(), record.key()));
                    GenericRecord masked = copy.values().deserialize(record.topic(), record.headers(), record.value());
                    value = copy.copyValues().serialize(copy.copyTopic(), record.headers(), masked);
                } catch (RuntimeException undecodable) {
                    log.warn("Record {}-{}@{} cannot be masked ({}); the copy of that partition stops before it and the"
                            + " topology takes it from there", record.topic(), record.partition(), record.offset(),
                            undecodable.toString());
                    copying.remove(partition);
                    consumer.pause(List.of(partition));
                    continue;
                }
                producer.send(new ProducerRecord<>(copy.copyTopic(), null, record.timestamp(), key, value,
                        record.headers()));
                next.put(partition, new OffsetAndMetadata(record.offset() + 1));
                copied++;
                inTransaction++;
            }
            // read_committed positions step over transaction markers, so the position (not the last record) says
            // whether a partition has reached its end
            for (TopicPartition partition : List.copyOf(copying)) {
                long position = consumer.position(partition);
                if (position >= end.get(partition)) {
                    next.put(partition, new OffsetAndMetadata(position));
                    copying.remove(partition);
                    consumer.pause(List.of(partition));
                }
            }
            if (inTransaction >= RECORDS_PER_TRANSACTION) {
                commit(producer, next, group);
                producer.beginTransaction();
                inTransaction = 0;
            }
        }
        commit(producer, next, group);
        log.info("Brought the masked copies of {} up to date before starting: {} records copied", applicationId, copied);
        return copied;
    }

    private static void commit(KafkaProducer<byte[], byte[]> producer, Map<TopicPartition, OffsetAndMetadata> next,
                               ConsumerGroupMetadata group) {
        if (!next.isEmpty()) {
            producer.sendOffsetsToTransaction(next, group);
        }
        producer.commitTransaction();
    }

    /**
     * Waits until the group has no members; false if it still has some at {@code until}. An instance closed a moment
     * ago stays a member until its session times out (Kafka Streams does not leave the group on close), which Kafka
     * Streams would wait for anyway before this instance could take over its partitions.
     */
    private static boolean awaitNoMembers(Admin admin, String applicationId, long until)
            throws InterruptedException, ExecutionException, TimeoutException {
        boolean told = false;
        while (hasMembers(admin, applicationId)) {
            if (System.nanoTime() > until) {
                return false;
            }
            if (!told) {
                log.info("Waiting (up to {} s) for the consumer group of {} to have no members before bringing its"
                        + " masked copies up to date; a member of a closed instance leaves when its session times out",
                        MEMBER_EXPIRY.toSeconds(), applicationId);
                told = true;
            }
            Thread.sleep(MEMBER_POLL_MS);
        }
        return true;
    }

    private static boolean hasMembers(Admin admin, String applicationId)
            throws InterruptedException, ExecutionException, TimeoutException {
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
}
