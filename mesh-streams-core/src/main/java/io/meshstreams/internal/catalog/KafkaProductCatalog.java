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

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
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

/**
 * {@link ProductCatalog} on a compacted topic with one partition. Provisioning creates the topic; the catalog never
 * lets a client of its own create it (a broker with {@code auto.create.topics.enable} would create it with its
 * defaults, not compacted), and refuses to use one that is not compacted.
 */
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
    /** Set once the topic was found compacted; not checked again by this catalog. */
    private boolean topicChecked;

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
        if (!checkTopic()) {
            // A producer's metadata request may create a missing topic (it has no allow.auto.create.topics): never send.
            throw new MeshException("Cannot publish " + what + " to the catalog: the catalog topic " + topic
                    + " does not exist. Provisioning creates it: provision a product first (client.provision(product)"
                    + " or 'mesh apply'), or create " + topic + " with one partition and cleanup.policy=compact.");
        }
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
        if (!checkTopic()) {
            return null; // no catalog yet: no product has been provisioned on this cluster
        }
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // reading must not create the topic
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "mesh-catalog-reader");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<String, String> created = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        List<PartitionInfo> partitions = created.partitionsFor(topic, TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            created.close();
            return null; // just created: this consumer's broker does not know it yet
        }
        created.assign(List.of(partition));
        created.seekToBeginning(List.of(partition));
        consumer = created;
        return consumer;
    }

    /**
     * Whether the catalog topic exists; if it does, checks (once) that it is compacted, which a catalog needs: under
     * {@code cleanup.policy=delete} the brokers would drop products and grants once retention passes. A principal
     * that may not describe the topic's configuration gets a warning, and the catalog goes on unchecked.
     *
     * @throws MeshException if the topic exists with another cleanup policy, or could not be checked
     */
    private boolean checkTopic() {
        if (topicChecked) {
            return true;
        }
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "mesh-catalog-check");
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config topicConfig;
        try (Admin admin = Admin.create(config)) {
            topicConfig = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            if (e.getCause() instanceof AuthorizationException) {
                // Reading the catalog needs only READ on its topic; the check must not take that away.
                log.warn("Cannot check that the catalog topic {} is compacted (cleanup.policy=compact): {}. Allow"
                        + " DESCRIBE_CONFIGS on it to have it checked.", topic, e.getCause().toString());
                topicChecked = true;
                return true;
            }
            throw new MeshException("Could not check the catalog topic " + topic + ": " + e.getCause()
                    + ". Check that the cluster is reachable and that this principal may describe the topic's"
                    + " configuration (DESCRIBE_CONFIGS).", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while checking the catalog topic " + topic, e);
        } catch (TimeoutException e) {
            throw new MeshException("Could not check the catalog topic " + topic + " within " + TIMEOUT.toSeconds()
                    + " s; check that the cluster is reachable", e);
        }
        ConfigEntry policy = topicConfig == null ? null : topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        String found = policy == null || policy.value() == null ? "" : policy.value().replace(" ", "");
        if (!found.equals(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new MeshException("The catalog topic " + topic + " has " + TopicConfig.CLEANUP_POLICY_CONFIG + "="
                    + found + ", but the catalog needs " + TopicConfig.CLEANUP_POLICY_CONFIG + "="
                    + TopicConfig.CLEANUP_POLICY_COMPACT + ": with delete, the brokers drop products and grants once"
                    + " retention.ms has passed. Probably the broker created the topic itself (auto.create.topics.enable)"
                    + " or it was created by hand. Fix it with: kafka-configs.sh --bootstrap-server "
                    + bootstrapServers()
                    + " --alter --entity-type topics --entity-name " + topic + " --add-config "
                    + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + TopicConfig.CLEANUP_POLICY_COMPACT
                    + " (or, if it holds no products yet, delete the topic and provision again, which creates it"
                    + " compacted; or point " + TOPIC_CONFIG + " at a compacted topic).");
        }
        topicChecked = true;
        return true;
    }

    private String bootstrapServers() {
        Object servers = clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers instanceof List<?> list) {
            return String.join(",", list.stream().map(Object::toString).toList());
        }
        return servers == null ? "<bootstrap servers>" : servers.toString();
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
