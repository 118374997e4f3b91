package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.provision.PlannedChange;
import io.meshstreams.provision.PlannedChange.Action;
import io.meshstreams.provision.PlannedChange.Resource;
import io.meshstreams.provision.ProvisioningPlan;
import io.meshstreams.provision.ProvisioningRefusedException;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@MeshTest
class ProvisioningIT {
    static MeshClient orders;

    @BeforeAll
    static void client(TestMesh mesh) {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
    }

    @AfterAll
    static void close() {
        orders.close();
    }

    @Test
    void provisioningCreatesEverythingOnceAndASecondRunIsAllUnchanged(TestMesh mesh) throws Exception {
        DataProduct product = Orders.product(mesh.uniqueTopic("prov"), OnViolation.QUARANTINE);
        PortAddress port = product.address(product.outputPort("placed"));

        ProvisioningPlan first = orders.provision(product);

        assertThat(first.changes(Action.CREATE)).extracting(PlannedChange::resource, PlannedChange::name).contains(
                org.assertj.core.groups.Tuple.tuple(Resource.TOPIC, port.topic()),
                org.assertj.core.groups.Tuple.tuple(Resource.TOPIC, port.quarantineTopic()),
                org.assertj.core.groups.Tuple.tuple(Resource.COMPATIBILITY, port.valueSubject()),
                org.assertj.core.groups.Tuple.tuple(Resource.SCHEMA, port.valueSubject()),
                org.assertj.core.groups.Tuple.tuple(Resource.CATALOG, product.id()));
        TopicDescription topic = mesh.admin().describeTopics(Set.of(port.topic())).allTopicNames().get().get(port.topic());
        assertThat(topic.partitions()).hasSize(3);
        assertThat(orders.registry().compatibility(port.valueSubject())).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(orders.catalog().product(product.id())).contains(product);

        ProvisioningPlan second = orders.plan(product);
        assertThat(second.isUpToDate()).as(second.describe()).isTrue();
        assertThat(orders.provision(product).isUpToDate()).isTrue();
    }

    @Test
    void partitionsGrowConfigsFollowAndDriftIsReportedNotChanged(TestMesh mesh) throws Exception {
        DataProduct product = Orders.product(mesh.uniqueTopic("drift"), OnViolation.QUARANTINE);
        PortAddress port = product.address(product.outputPort("placed"));
        orders.provision(product);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, port.topic());
        mesh.admin().incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("max.message.bytes", "500000"), AlterConfigOp.OpType.SET)))).all().get();

        OutputPort grown = product.outputPort("placed").toBuilder().partitions(6)
                .topicConfig("retention.ms", "86400000").topicConfig("cleanup.policy", "compact").build();
        DataProduct changed = DataProduct.builder(product.domain(), product.name()).owner(product.owner())
                .description(product.description()).outputPort(grown).build();
        ProvisioningPlan plan = orders.provision(changed);

        assertThat(plan.changes()).filteredOn(c -> c.name().equals(port.topic()) && c.action() != Action.UNCHANGED)
                .extracting(PlannedChange::action, PlannedChange::resource, PlannedChange::setting)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Action.UPDATE, Resource.PARTITIONS, null),
                        org.assertj.core.groups.Tuple.tuple(Action.UPDATE, Resource.TOPIC_CONFIG, "retention.ms"),
                        org.assertj.core.groups.Tuple.tuple(Action.DRIFT, Resource.TOPIC_CONFIG, "cleanup.policy"),
                        org.assertj.core.groups.Tuple.tuple(Action.DRIFT, Resource.TOPIC_CONFIG, "max.message.bytes"));
        TopicDescription described = mesh.admin().describeTopics(Set.of(port.topic())).allTopicNames().get().get(port.topic());
        assertThat(described.partitions()).hasSize(6);
        Map<String, String> configs = configs(mesh, topic);
        assertThat(configs).containsEntry("retention.ms", "86400000").containsEntry("cleanup.policy", "delete")
                .containsEntry("max.message.bytes", "500000");

        OutputPort shrunk = grown.toBuilder().partitions(2).build();
        ProvisioningPlan shrink = orders.plan(DataProduct.builder(product.domain(), product.name()).owner(product.owner())
                .description(product.description()).outputPort(shrunk).build());
        assertThat(shrink.changes()).filteredOn(c -> c.resource() == Resource.PARTITIONS && c.name().equals(port.topic()))
                .singleElement().satisfies(c -> {
                    assertThat(c.action()).isEqualTo(Action.DRIFT);
                    assertThat(c.note()).isEqualTo("partitions never shrink; set partitions: 6 in the product");
                });
    }

    @Test
    void anIncompatibleChangeIsRefusedWithinAMajorVersionAndAcceptedAsTheNextOne(TestMesh mesh) throws Exception {
        DataProduct v1only = Orders.product(mesh.uniqueTopic("major"), OnViolation.QUARANTINE);
        orders.provision(v1only);
        // a new required field without a default: not FULL_TRANSITIVE compatible
        Schema breaking = withRequiredField(Orders.PLACED);

        DataProduct breakingV1 = DataProduct.builder(v1only.domain(), v1only.name()).owner(v1only.owner())
                .outputPort(Orders.port(1, breaking, OnViolation.QUARANTINE)).build();
        ProvisioningRefusedException refused = catchThrowableOfType(ProvisioningRefusedException.class,
                () -> orders.provision(breakingV1));

        PortAddress v1 = v1only.address(v1only.outputPort("placed"));
        PortAddress v2 = v1.withMajorVersion(2);
        assertThat(refused.plan().changes(Action.REFUSED)).singleElement().satisfies(change -> {
            assertThat(change.resource()).isEqualTo(Resource.SCHEMA);
            assertThat(change.name()).isEqualTo(v1.valueSubject());
            assertThat(change.note()).contains("not FULL_TRANSITIVE compatible")
                    .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("warehouse")
                    .contains("publish the new schema as 'placed' version 2 (topic " + v2.topic() + ")");
        });
        assertThat(refused).hasMessageStartingWith("Provisioning " + v1only.id() + " refused; nothing was changed:");
        assertThat(orders.registry().versions(v1.valueSubject())).containsExactly(1);

        DataProduct withV2 = DataProduct.builder(v1only.domain(), v1only.name()).owner(v1only.owner())
                .outputPort(v1only.outputPort("placed"))
                .outputPort(Orders.port(2, breaking, OnViolation.QUARANTINE)).build();
        ProvisioningPlan plan = orders.provision(withV2);

        assertThat(plan.changes(Action.CREATE)).extracting(PlannedChange::name).contains(v2.topic(), v2.quarantineTopic(),
                v2.valueSubject());
        assertThat(plan.changes()).filteredOn(c -> c.name().startsWith(v1.topic()) && c.resource() != Resource.CATALOG)
                .allMatch(c -> c.action() == Action.UNCHANGED);
        assertThat(mesh.admin().listTopics().names().get()).contains(v1.topic(), v2.topic());
        // with two majors side by side, naming the port alone is ambiguous: the version must be said
        assertThat(withV2.outputPort("placed", 2).majorVersion()).isEqualTo(2);
        assertThatThrownBy(() -> withV2.outputPort("placed")).hasMessageContaining("at major versions [v1, v2]: say"
                + " which one, with outputPort(\"placed\", 2) or its address " + v2.topic());
    }

    static Schema withRequiredField(Schema schema) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("warehouse", Schema.create(Schema.Type.STRING), "where it ships from"));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    static Map<String, String> configs(TestMesh mesh, ConfigResource topic) throws Exception {
        Map<String, String> values = new java.util.HashMap<>();
        mesh.admin().describeConfigs(List.of(topic)).all().get().get(topic).entries()
                .forEach(e -> values.put(e.name(), e.value()));
        return values;
    }
}
