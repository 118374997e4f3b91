package io.meshstreams.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EmbeddedKafkaClusterIT {

    @Test
    void oneBrokerProducesAndConsumes() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            String topic = "t-" + UUID.randomUUID();
            createTopic(kafka, topic, 3, 1, Map.of());

            produce(kafka, topic, 100);

            assertThat(consumeAll(kafka, topic, 100)).hasSize(100);
            assertThat(kafka.brokerIds()).containsExactly(1);
        }
    }

    @Test
    void dataSurvivesARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        String topic = "t-" + UUID.randomUUID();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().dataDirectory(dataDir).start()) {
            createTopic(kafka, topic, 1, 1, Map.of());
            produce(kafka, topic, 50);
        }

        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().dataDirectory(dataDir).start()) {
            assertThat(consumeAll(kafka, topic, 50)).hasSize(50);
        }
    }

    @Test
    void threeBrokersSurviveTheLossOfOneAndTheStoppedBrokerComesBackWithItsData() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).start()) {
            String topic = "t-" + UUID.randomUUID();
            createTopic(kafka, topic, 3, 3, Map.of("min.insync.replicas", "2"));
            assertThat(kafka.brokerIds()).containsExactlyInAnyOrder(1, 2, 3);
            int port2 = kafka.brokerPort(2);

            kafka.stopBroker(2);
            assertThat(kafka.isRunning(2)).isFalse();
            produce(kafka, topic, 1000);

            kafka.startBroker(2);
            assertThat(kafka.brokerPort(2)).isEqualTo(port2);
            try (Admin admin = kafka.createAdmin()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions())
                                .allSatisfy(p -> assertThat(p.isr()).hasSize(3)));
            }
            assertThat(consumeAll(kafka, topic, 1000)).hasSize(1000);
        }
    }

    static void createTopic(EmbeddedKafkaCluster kafka, String topic, int partitions, int replication,
                            Map<String, String> configs) throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replication).configs(configs)))
                    .all().get();
        }
    }

    static void produce(EmbeddedKafkaCluster kafka, String topic, int count) throws Exception {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)));
            }
            for (Future<?> send : sends) {
                send.get();
            }
        }
    }

    static List<ConsumerRecord<String, String>> consumeAll(EmbeddedKafkaCluster kafka, String topic, int expected) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}
