package io.meshstreams.internal.catalog;

import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.internal.client.ClientConfigs;
import io.meshstreams.internal.product.DescriptorReader;
import io.meshstreams.internal.product.DescriptorWriter;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.InvalidDataProductException;
import io.meshstreams.product.PortAddress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import java.util.ArrayList;
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
    private static final String LINEAGE_KEY_PREFIX = "lineage/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, DataProduct> products = new TreeMap<>();
    private final Map<String, Lineage> lineages = new TreeMap<>();
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
        send(product.id(), DescriptorWriter.toJson(product), "data product " + product.id());
    }

    @Override
    public synchronized void publishLineage(Lineage lineage) {
        ObjectNode node = JSON.createObjectNode();
        node.put("output", lineage.output().topic());
        ArrayNode inputs = node.putArray("inputs");
        lineage.inputs().forEach(input -> inputs.add(input.topic()));
        node.put("application", lineage.application());
        send(LINEAGE_KEY_PREFIX + lineage.output().topic(), node.toString(), "the lineage of " + lineage.output());
    }

    @Override
    public synchronized Optional<Lineage> lineage(PortAddress output) {
        refresh();
        return Optional.ofNullable(lineages.get(output.topic()));
    }

    private void send(String key, String value, String what) {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "mesh-catalog-writer");
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while publishing " + what + " to the catalog", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new MeshException("Could not publish " + what + " to the catalog topic " + topic + ": "
                    + e.getMessage() + ". Check that the topic exists (provisioning creates it) and that this principal"
                    + " may write it.", e);
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
        if (record.key().startsWith(LINEAGE_KEY_PREFIX)) {
            String output = record.key().substring(LINEAGE_KEY_PREFIX.length());
            if (record.value() == null) {
                lineages.remove(output);
                return;
            }
            try {
                JsonNode node = JSON.readTree(record.value());
                List<PortAddress> inputs = new ArrayList<>();
                node.get("inputs").forEach(input -> inputs.add(PortAddress.parse(input.asText())));
                lineages.put(output, new Lineage(PortAddress.parse(node.get("output").asText()), inputs,
                        node.get("application").asText()));
            } catch (JsonProcessingException | RuntimeException e) {
                log.warn("Skipping catalog lineage entry {} at offset {} of {}: {}", record.key(), record.offset(), topic,
                        e.toString());
            }
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
