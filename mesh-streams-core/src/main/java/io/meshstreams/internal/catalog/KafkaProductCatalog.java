package io.meshstreams.internal.catalog;

import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.internal.client.ClientConfigs;
import io.meshstreams.internal.product.DescriptorReader;
import io.meshstreams.internal.product.DescriptorWriter;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.InvalidDataProductException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link ProductCatalog} on a compacted topic with one partition. */
public final class KafkaProductCatalog implements ProductCatalog {
    private static final Logger log = LoggerFactory.getLogger(KafkaProductCatalog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientConfig;
    private final TopicPartition partition;
    private final Map<String, DataProduct> products = new TreeMap<>();
    private @Nullable KafkaConsumer<String, String> consumer;
    private @Nullable KafkaProducer<String, String> producer;

    public KafkaProductCatalog(Map<String, ?> config) {
        this.clientConfig = ClientConfigs.kafkaOnly(config);
        Object configured = config.get(TOPIC_CONFIG);
        this.topic = configured == null ? DEFAULT_TOPIC : configured.toString();
        this.partition = new TopicPartition(topic, 0);
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public synchronized List<DataProduct> products() {
        refresh();
        return List.copyOf(products.values());
    }

    @Override
    public synchronized Optional<DataProduct> product(String productId) {
        refresh();
        return Optional.ofNullable(products.get(productId));
    }

    @Override
    public synchronized void publish(DataProduct product) {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "mesh-catalog-writer");
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }
        try {
            producer.send(new ProducerRecord<>(topic, product.id(), DescriptorWriter.toJson(product)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while publishing " + product.id() + " to the catalog", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new MeshException("Could not publish data product " + product.id() + " to the catalog topic "
                    + topic + ": " + e.getMessage() + ". Check that the topic exists (provisioning creates it) and"
                    + " that this principal may write it.", e);
        }
    }

    private void refresh() {
        KafkaConsumer<String, String> reader = consumer();
        if (reader == null) {
            return;
        }
        long end = reader.endOffsets(Set.of(partition), TIMEOUT).getOrDefault(partition, 0L);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (reader.position(partition, TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new MeshException("Timed out reading the catalog topic " + topic + " up to offset " + end);
            }
            for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                apply(record);
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            products.remove(record.key());
            return;
        }
        try {
            products.put(record.key(), DescriptorReader.readInline(record.value(), topic + "@" + record.offset()));
        } catch (InvalidDataProductException e) {
            log.warn("Skipping catalog entry {} at offset {} of {}: {}", record.key(), record.offset(), topic, e.getMessage());
        }
    }

    private @Nullable KafkaConsumer<String, String> consumer() {
        if (consumer != null) {
            return consumer;
        }
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesh-catalog-reader");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<String, String> created = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        List<PartitionInfo> partitions = created.partitionsFor(topic, TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            created.close();
            return null; // no catalog yet: no product has been provisioned on this cluster
        }
        created.assign(List.of(partition));
        created.seekToBeginning(List.of(partition));
        consumer = created;
        return consumer;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
