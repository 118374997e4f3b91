package io.meshstreams.examples;

import io.meshstreams.examples.analytics.AnalyticsApp;
import io.meshstreams.examples.customers.CustomerGenerator;
import io.meshstreams.examples.customers.CustomersApp;
import io.meshstreams.examples.orders.OrderGenerator;
import io.meshstreams.examples.orders.OrdersApp;
import io.meshstreams.governance.FieldMasker;
import io.meshstreams.governance.MaskingRules;
import io.meshstreams.product.DataProduct;
import io.meshstreams.publish.PublisherStats;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The three example apps, run together for a few seconds against a real broker and registry. */
@MeshTest
class ExampleDomainsIT {
    static final String HASH_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final int CUSTOMERS = 200;

    @Test
    void ordersReachTheirPortOrQuarantineAndAnalyticsPublishesThemEnrichedWithoutClearPii(TestMesh mesh,
                                                                                           @TempDir Path state) {
        DataProduct customerProduct = ProductDescriptors.load(CustomersApp.DOMAIN, null);
        DataProduct orderProduct = ProductDescriptors.load(OrdersApp.DOMAIN, null);
        DataProduct analyticsProduct = ProductDescriptors.load(AnalyticsApp.DOMAIN, null);
        CustomerGenerator customerGenerator = new CustomerGenerator(
                customerProduct.outputPort(CustomersApp.PORT).valueSchema(), 1, CUSTOMERS);

        // given the three domains, each provisioning its own product, running for a few seconds
        CustomersApp customers = CustomersApp.start(config(mesh, CustomersApp.DOMAIN), customerProduct,
                customerGenerator, 5);
        OrdersApp orders = OrdersApp.start(config(mesh, OrdersApp.DOMAIN), orderProduct,
                new OrderGenerator(orderProduct.outputPort(OrdersApp.PORT).valueSchema(), 7, CUSTOMERS, 0.04), 200);
        AnalyticsApp analytics = AnalyticsApp.start(config(mesh, AnalyticsApp.DOMAIN), analyticsProduct,
                Map.of(StreamsConfig.STATE_DIR_CONFIG, state.toString()), Duration.ofSeconds(30));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> orders.generated() >= 1_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> analytics.state() == KafkaStreams.State.RUNNING);
            orders.stop();
            customers.stop();

            // then every order is on the port or in quarantine, and the publisher counted each once
            PublisherStats orderStats = orders.stats();
            assertThat(orderStats.published() + orderStats.quarantined()).isEqualTo(orders.generated());
            assertThat(orderStats.rejected() + orderStats.failed()).isZero();
            assertThat((double) orderStats.quarantined() / orders.generated()).isBetween(0.01, 0.08);
            List<ConsumerRecord<byte[], byte[]>> placed = readRaw(mesh, orders.port().topic(),
                    r -> r.size() >= orderStats.published());
            List<ConsumerRecord<byte[], byte[]>> quarantined = readRaw(mesh, orders.port().quarantineTopic(),
                    r -> r.size() >= orderStats.quarantined());
            assertThat(placed).hasSize((int) orderStats.published());
            assertThat(quarantined).hasSize((int) orderStats.quarantined())
                    .allSatisfy(r -> assertThat(header(r, "mesh.violation.rules")).isIn("positive-amount", "known-currency"));

            PublisherStats customerStats = customers.stats();
            assertThat(customerStats.published()).isEqualTo(customers.generated()).isGreaterThanOrEqualTo(CUSTOMERS);
            assertThat(readRaw(mesh, customers.port().topic(), r -> r.size() >= customerStats.published()))
                    .hasSize((int) customerStats.published());

            // and analytics publishes each published order once, enriched, on its port (or its quarantine)
            Set<String> publishedOrderIds = placed.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .collect(Collectors.toSet());
            List<ConsumerRecord<String, GenericRecord>> enriched = new ArrayList<>();
            try (SchemaRegistryClient registry = SchemaRegistryClient.create(mesh.clientConfig())) {
                AvroDeserializer<GenericRecord> values = new AvroDeserializer<>(registry);
                enriched.addAll(read(mesh, analytics.port().topic(), values, r -> true, Duration.ofSeconds(5)));
                enriched.addAll(read(mesh, analytics.port().quarantineTopic(), values, r -> true, Duration.ofSeconds(5)));
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    enriched.clear();
                    enriched.addAll(read(mesh, analytics.port().topic(), values, r -> true, Duration.ofSeconds(1)));
                    enriched.addAll(read(mesh, analytics.port().quarantineTopic(), values, r -> true, Duration.ofSeconds(1)));
                    return enriched.size() >= publishedOrderIds.size();
                });
            }
            assertThat(enriched).extracting(ConsumerRecord::key).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(publishedOrderIds);

            // with the customers' PII as keyed hashes: the same as the mesh's masking, never in clear
            FieldMasker masker = FieldMasker.create(customerProduct.outputPort(CustomersApp.PORT), "INTERNAL",
                    MaskingRules.defaults().withHashKey(MaskingRules.parseHashKey(HASH_KEY)));
            Map<String, GenericRecord> maskedProfiles = new java.util.HashMap<>();
            Set<String> clearPii = new HashSet<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                GenericRecord profile = customerGenerator.profile(i, Instant.EPOCH);
                maskedProfiles.put(CustomerGenerator.customerId(i), masker.mask(profile));
                clearPii.add(profile.get("name").toString());
                clearPii.add(profile.get("email").toString());
            }
            List<ConsumerRecord<String, GenericRecord>> joined = enriched.stream()
                    .filter(r -> r.value().get("customerNameHash") != null).toList();
            assertThat(joined).hasSizeGreaterThan(enriched.size() * 9 / 10).allSatisfy(r -> {
                GenericRecord value = r.value();
                GenericRecord profile = maskedProfiles.get(value.get("customerId").toString());
                assertThat(value.get("customerNameHash")).hasToString(profile.get("name").toString());
                assertThat(value.get("customerEmailHash").toString()).matches("[0-9a-f]{64}");
            });
            List<String> scanned = new ArrayList<>(List.of(analytics.port().topic(), analytics.port().quarantineTopic()));
            mesh.admin().listTopics().names().get().stream().filter(t -> t.startsWith("analytics.order-enrichment"))
                    .forEach(scanned::add);
            assertThat(scanned).anyMatch(t -> t.endsWith("-repartition")).anyMatch(t -> t.endsWith("-changelog"));
            for (String topic : scanned) {
                for (ConsumerRecord<byte[], byte[]> record : readRaw(mesh, topic, r -> true)) {
                    String bytes = text(record);
                    assertThat(clearPii).as("clear PII in %s", topic).noneMatch(bytes::contains);
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            analytics.close();
            orders.close();
            customers.close();
        }
    }

    static Map<String, Object> config(TestMesh mesh, String domain) {
        Map<String, Object> config = mesh.clientConfig();
        config.put("mesh.domain", domain);
        config.put("mesh.masking.hash.key", HASH_KEY);
        return config;
    }

    static List<ConsumerRecord<byte[], byte[]>> readRaw(TestMesh mesh, String topic,
                                                         Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return read(mesh, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), done, Duration.ofSeconds(30));
    }

    static List<ConsumerRecord<String, GenericRecord>> read(TestMesh mesh, String topic,
                                                            Deserializer<GenericRecord> values,
                                                            Predicate<List<ConsumerRecord<String, GenericRecord>>> done,
                                                            Duration timeout) {
        return read(mesh, topic, new StringDeserializer(), values, done, timeout);
    }

    /** Committed records of a topic from the beginning, until {@code done} holds and the end is reached. */
    static <K, V> List<ConsumerRecord<K, V>> read(TestMesh mesh, String topic, Deserializer<K> keys,
                                                  Deserializer<V> values, Predicate<List<ConsumerRecord<K, V>>> done,
                                                  Duration timeout) {
        Map<String, Object> config = mesh.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(timeout).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return done.test(records) && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return records;
    }

    static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static String text(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder text = new StringBuilder();
        if (record.key() != null) {
            text.append(new String(record.key(), StandardCharsets.UTF_8));
        }
        if (record.value() != null) {
            text.append('\n').append(new String(record.value(), StandardCharsets.UTF_8));
        }
        for (Header header : record.headers()) {
            text.append('\n').append(header.key()).append('=').append(new String(header.value(), StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
