package io.meshstreams.test;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

class MeshTestExtensionIT {
    static TestMesh sharedFromBeforeAll;

    @MeshTest
    @Nested
    class SharedMesh {
        @BeforeAll
        static void remember(TestMesh mesh) {
            sharedFromBeforeAll = mesh;
        }

        @Test
        void givesARealBrokerARealRegistryAndAnAdmin(TestMesh mesh) throws Exception {
            String topic = mesh.uniqueTopic("kit");
            mesh.admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();

            // createTopics returns once the controller has the topic; the broker's metadata may follow a moment later
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(mesh.admin().listTopics().names().get()).contains(topic));
            HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(mesh.schemaRegistryUrl() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(mesh.clientConfig()).containsEntry("bootstrap.servers", mesh.bootstrapServers())
                    .containsEntry("schema.registry.url", mesh.schemaRegistryUrl());
            assertThat(mesh.mode()).isIn("embedded", "testcontainers");
        }

        @Test
        void sharesOneMeshPerJvmAndHandsOutUniqueLegalTopicNames(TestMesh mesh) {
            assertThat(mesh).isSameAs(sharedFromBeforeAll);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                names.add(mesh.uniqueTopic("orders.order-events"));
            }
            assertThat(names).hasSize(1000).allMatch(name -> name.matches("[a-zA-Z0-9._-]{1,249}"));
        }
    }

    @MeshTest(brokers = 3)
    @Nested
    class OwnClusterWithThreeBrokers {
        @Test
        void getsAClusterOfItsOwnThatCanLoseABroker(TestMesh mesh) throws Exception {
            assertThat(mesh).isNotSameAs(sharedFromBeforeAll);
            var kafka = mesh.embeddedKafka().orElseThrow();
            assertThat(kafka.brokerIds()).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(mesh.admin().describeCluster().nodes().get()).hasSize(3);
        }

        @Test
        void refusesToKillABrokerThatRunsInTheTestJvm(TestMesh mesh) {
            var kafka = mesh.embeddedKafka().orElseThrow();

            assertThat(catchThrowable(() -> kafka.killBroker(2))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Kafka node 2 runs in this JVM, where it cannot be killed: a KafkaRaftServer only stops"
                            + " by shutting down. Stop it with stopBroker(2), or start the cluster with"
                            + " EmbeddedKafkaCluster.builder().brokersInChildProcesses(true) (in the test kit:"
                            + " @MeshTest(brokersInChildProcesses = true)) to kill brokers");
            assertThat(kafka.isRunning(2)).isTrue();
        }
    }

    @MeshTest(brokers = 2, brokersInChildProcesses = true)
    @Nested
    class OwnClusterWithBrokersInChildProcesses {
        @Test
        void runsEachBrokerInAChildJvmThatCanBeKilledAndStartedAgainOnItsPort(TestMesh mesh) throws Exception {
            var kafka = mesh.embeddedKafka().orElseThrow();
            // Kafka writes this file when it shuts its logs down cleanly, and deletes it when it starts
            Path cleanShutdownMarker = kafka.dataDirectory().resolve("broker-2").resolve(".kafka_cleanshutdown");
            assertThat(mesh).isNotSameAs(sharedFromBeforeAll);
            assertThat(brokerProcesses()).hasSize(2);
            assertThat(mesh.admin().describeCluster().nodes().get()).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 2);
            int port = kafka.brokerPort(2);

            kafka.killBroker(2);

            assertThat(kafka.isRunning(2)).isFalse();
            assertThat(brokerProcesses()).hasSize(1);
            assertThat(cleanShutdownMarker).doesNotExist();
            // the controller fences the killed broker once its session times out
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    mesh.admin().describeCluster().nodes().get()).extracting(Node::id).containsExactly(1));

            kafka.startBroker(2);

            assertThat(kafka.isRunning(2)).isTrue();
            assertThat(kafka.brokerPort(2)).isEqualTo(port);
            assertThat(brokerProcesses()).hasSize(2);
            assertThat(mesh.admin().describeCluster().nodes().get()).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 2);

            kafka.stopBroker(2); // SIGTERM: Kafka's own controlled, clean shutdown

            assertThat(cleanShutdownMarker).exists();
            assertThat(brokerProcesses()).hasSize(1);
            assertThat(catchThrowable(() -> kafka.killBroker(3))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("No broker 3 in this cluster; its brokers are [1, 2]");
        }

        private static List<ProcessHandle> brokerProcesses() {
            return ProcessHandle.current().children()
                    .filter(child -> child.info().commandLine().orElse("").contains("BrokerProcessMain"))
                    .toList();
        }
    }
}
