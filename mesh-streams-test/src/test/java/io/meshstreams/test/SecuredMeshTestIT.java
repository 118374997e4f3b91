package io.meshstreams.test;

import io.meshstreams.test.internal.TestcontainersTestMesh;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@MeshTest(secure = true)
class SecuredMeshTestIT {

    @Test
    void givesTheClassASecuredMeshWhereTheConfigurationsSayWhoIsAsking(TestMesh mesh) {
        assertThat(mesh.secure()).isTrue();
        assertThat(mesh.clientConfig()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").doesNotContainKey(SaslConfigs.SASL_JAAS_CONFIG)
                .doesNotContainKey("basic.auth.user.info");
        assertThat(mesh.platformConfig()).containsEntry("basic.auth.credentials.source", "USER_INFO")
                .hasEntrySatisfying("basic.auth.user.info", v -> assertThat(v.toString()).startsWith("platform:"))
                .hasEntrySatisfying(SaslConfigs.SASL_JAAS_CONFIG, v -> assertThat(v.toString()).contains("username=\"platform\""));
        Map<String, Object> analytics = mesh.clientConfig("analytics");
        assertThat(analytics).containsEntry("mesh.domain", "analytics")
                .hasEntrySatisfying("basic.auth.user.info", v -> assertThat(v.toString()).startsWith("analytics:"));
        assertThat(mesh.clientConfig("analytics")).as("the user is created once").isEqualTo(analytics);
        assertThatThrownBy(() -> mesh.clientConfig("User:analytics")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot name a domain");
    }

    @Test
    void aDomainMayDoNothingUntilThePlatformGrantsItAnAcl(TestMesh mesh) throws Exception {
        String topic = mesh.uniqueTopic("customers.customer-profiles.profiles.v1");
        mesh.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(quick(mesh.platformConfig()),
                new StringSerializer(), new StringSerializer())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> producer.send(new ProducerRecord<>(topic, "c1", "profile")).get());
        }
        Map<String, Object> marketing = mesh.clientConfig("marketing");

        assertThatThrownBy(() -> readFirst(marketing, topic)).isInstanceOf(TopicAuthorizationException.class);

        mesh.admin().createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:marketing", "*", AclOperation.READ, AclPermissionType.ALLOW)))).all().get();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(TopicAuthorizationException.class)
                .untilAsserted(() -> assertThat(readFirst(marketing, topic).value()).isEqualTo("profile"));
    }

    @Test
    void testcontainersModeSkipsSecuredClassesWithTheReason() {
        assertThat(TestcontainersTestMesh.whyNot(1, false, true)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("@MeshTest(secure = true) needs SASL").contains("only the embedded mode"));
    }

    private static ConsumerRecord<String, String> readFirst(Map<String, Object> base, String topic) {
        Map<String, Object> config = quick(base);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).isNotEmpty();
            return records.get(0);
        }
    }

    private static Map<String, Object> quick(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        return config;
    }
}
