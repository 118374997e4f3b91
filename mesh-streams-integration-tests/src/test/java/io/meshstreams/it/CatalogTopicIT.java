package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The catalog's topic: never created by reading or writing the catalog, and refused unless compacted. */
@MeshTest
class CatalogTopicIT {

    @Test
    void aCatalogTopicThatIsNotCompactedIsRefusedWithTheTopicTheSettingAndTheFix(TestMesh mesh) throws Exception {
        String topic = mesh.uniqueTopic("catalog");
        mesh.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))))
                .all().get(30, TimeUnit.SECONDS);
        Map<String, Object> config = PortPublisherIT.with(mesh, "orders");
        config.put(ProductCatalog.TOPIC_CONFIG, topic);
        DataProduct product = Orders.product(mesh.uniqueTopic("catalogued"), OnViolation.QUARANTINE);
        String refused = "The catalog topic " + topic + " has cleanup.policy=delete, but the catalog needs"
                + " cleanup.policy=compact";
        String fix = "Fix it with: kafka-configs.sh --bootstrap-server " + mesh.bootstrapServers() + " --alter"
                + " --entity-type topics --entity-name " + topic + " --add-config cleanup.policy=compact";

        try (ProductCatalog catalog = ProductCatalog.create(config)) {
            assertThat(catchThrowable(catalog::products)).isInstanceOf(MeshException.class)
                    .hasMessageStartingWith(refused).hasMessageContaining(fix);
            assertThat(catchThrowable(() -> catalog.publish(product))).isInstanceOf(MeshException.class)
                    .hasMessageStartingWith(refused);
        }
        try (MeshClient orders = MeshClient.create(config)) {
            assertThat(catchThrowable(() -> orders.provision(product))).isInstanceOf(MeshException.class)
                    .hasMessageStartingWith(refused);
        }
        assertThat(Topics.readAllRaw(mesh, topic, 0)).isEmpty();

        // the fix the message gives, done with the admin client: then the same topic serves as the catalog
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        mesh.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicConfig.CLEANUP_POLICY_COMPACT.equals(mesh.admin()
                .describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
        try (MeshClient orders = MeshClient.create(config)) {
            orders.provision(product);
            assertThat(orders.catalog().product(product.id())).contains(product);
        }
    }

    /** The test mesh's broker never creates topics by itself; this one does, as many clusters' defaults do. */
    @Test
    void readingOrWritingACatalogThatDoesNotExistNeverCreatesItEvenOnABrokerThatCreatesTopicsOnDemand()
            throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder()
                .brokerProperty("auto.create.topics.enable", true).start();
             Admin admin = kafka.createAdmin()) {
            DataProduct product = Orders.product("catalogued", OnViolation.QUARANTINE);
            PortAddress port = product.address(product.outputPort("placed"));

            try (ProductCatalog catalog = ProductCatalog.create(kafka.clientConfig())) {
                assertThat(catalog.products()).isEmpty();
                assertThat(catalog.lineage(port)).isEmpty();
                assertThat(topics(admin)).doesNotContain(ProductCatalog.DEFAULT_TOPIC);

                assertThat(catchThrowable(() -> catalog.publish(product))).isInstanceOf(MeshException.class)
                        .hasMessage("Cannot publish data product " + product.id() + " to the catalog: the catalog"
                                + " topic _mesh-catalog does not exist. Provisioning creates it: provision a product"
                                + " first (client.provision(product) or 'mesh apply'), or create _mesh-catalog with"
                                + " one partition and cleanup.policy=compact.");
            }

            assertThat(topics(admin)).doesNotContain(ProductCatalog.DEFAULT_TOPIC);
        }
    }

    static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
    }
}
