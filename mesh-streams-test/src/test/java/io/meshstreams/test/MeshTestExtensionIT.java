package io.meshstreams.test;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

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

            assertThat(mesh.admin().listTopics().names().get()).contains(topic);
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
    }
}
