package io.meshstreams.internal.provision;

import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.internal.product.DescriptorWriter;
import io.meshstreams.internal.registry.AvroCompatibility;
import io.meshstreams.internal.serde.PortKeys;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.provision.PlannedChange;
import io.meshstreams.provision.PlannedChange.Action;
import io.meshstreams.provision.PlannedChange.Resource;
import io.meshstreams.provision.ProvisioningPlan;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;

import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Plans and applies a product against one cluster, registry and catalog. */
public final class ClusterProvisioning {
    private static final long TIMEOUT_MS = 30_000;
    /** Configuration keys that provisioning reports as drift rather than changing: changing them changes semantics. */
    private static final Set<String> DRIFT_ONLY_CONFIGS = Set.of(TopicConfig.CLEANUP_POLICY_CONFIG);

    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final ProductCatalog catalog;

    public ClusterProvisioning(Admin admin, SchemaRegistryClient registry, ProductCatalog catalog) {
        this.admin = admin;
        this.registry = registry;
        this.catalog = catalog;
    }

    // ---------------------------------------------------------------- plan

    public ProvisioningPlan plan(DataProduct product) {
        List<PlannedChange> changes = new ArrayList<>();
        Map<String, TopicDescription> topics = describeTopics(product);
        Map<String, Config> configs = describeConfigs(topics.keySet());
        for (OutputPort port : product.outputPorts()) {
            PortAddress address = product.address(port);
            topic(changes, address.topic(), port.partitions(), port.replicationFactor(), port.topicConfigs(),
                    topics.get(address.topic()), configs.get(address.topic()), "the port's topic");
            topic(changes, address.quarantineTopic(), port.partitions(), port.replicationFactor(), Map.of(),
                    topics.get(address.quarantineTopic()), configs.get(address.quarantineTopic()),
                    "where records that break the contract go");
            subject(changes, product, port, address.valueSubject(), port.valueSchema());
            if (port.key().format() == KeyDefinition.Format.AVRO) {
                // the one key schema that publishers, topologies and subscribers look up (never register)
                subject(changes, product, port, address.keySubject(), PortKeys.keySchema(port));
            }
        }
        String catalogTopic = catalog.topic();
        topic(changes, catalogTopic, 1, Optional.empty(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT), topics.get(catalogTopic), configs.get(catalogTopic),
                "the mesh's product catalog");
        catalogEntry(changes, product, topics.containsKey(catalogTopic));
        return new ProvisioningPlan(product, changes);
    }

    private void topic(List<PlannedChange> changes, String topic, int partitions, Optional<Short> replication,
                       Map<String, String> desiredConfigs, @Nullable TopicDescription current,
                       @Nullable Config currentConfig, String role) {
        if (current == null) {
            changes.add(new PlannedChange(Action.CREATE, Resource.TOPIC, topic, null, null,
                    partitions + " partitions" + replication.map(rf -> ", replication " + rf).orElse("")
                            + (desiredConfigs.isEmpty() ? "" : ", " + desiredConfigs), role));
            return;
        }
        int currentPartitions = current.partitions().size();
        if (currentPartitions < partitions) {
            changes.add(new PlannedChange(Action.UPDATE, Resource.PARTITIONS, topic, null,
                    String.valueOf(currentPartitions), String.valueOf(partitions),
                    "partitions grow; keys move to new partitions, so per-key order holds only for new records"));
        } else if (currentPartitions > partitions) {
            changes.add(new PlannedChange(Action.DRIFT, Resource.PARTITIONS, topic, null,
                    String.valueOf(currentPartitions), String.valueOf(partitions),
                    "partitions never shrink; set partitions: " + currentPartitions + " in the product"));
        } else {
            changes.add(new PlannedChange(Action.UNCHANGED, Resource.PARTITIONS, topic, null,
                    String.valueOf(currentPartitions), String.valueOf(partitions), ""));
        }
        int currentReplication = current.partitions().isEmpty() ? 0 : current.partitions().get(0).replicas().size();
        replication.ifPresent(rf -> changes.add(rf == currentReplication
                ? new PlannedChange(Action.UNCHANGED, Resource.REPLICATION, topic, null,
                        String.valueOf(currentReplication), String.valueOf(rf), "")
                : new PlannedChange(Action.DRIFT, Resource.REPLICATION, topic, null, String.valueOf(currentReplication),
                        String.valueOf(rf), "provisioning does not reassign replicas; use kafka-reassign-partitions,"
                        + " or set replicationFactor: " + currentReplication + " in the product")));
        Map<String, ConfigEntry> entries = new HashMap<>();
        if (currentConfig != null) {
            currentConfig.entries().forEach(entry -> entries.put(entry.name(), entry));
        }
        desiredConfigs.forEach((key, desired) -> {
            ConfigEntry entry = entries.get(key);
            String value = entry == null ? null : entry.value();
            if (desired.equals(value)) {
                changes.add(new PlannedChange(Action.UNCHANGED, Resource.TOPIC_CONFIG, topic, key, value, desired, ""));
            } else if (DRIFT_ONLY_CONFIGS.contains(key)) {
                changes.add(new PlannedChange(Action.DRIFT, Resource.TOPIC_CONFIG, topic, key, value, desired,
                        "changing " + key + " changes what consumers see; change it by hand if you mean it"));
            } else {
                changes.add(new PlannedChange(Action.UPDATE, Resource.TOPIC_CONFIG, topic, key, value, desired, ""));
            }
        });
        entries.values().stream()
                .filter(entry -> entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .filter(entry -> !desiredConfigs.containsKey(entry.name()))
                .forEach(entry -> changes.add(new PlannedChange(Action.DRIFT, Resource.TOPIC_CONFIG, topic,
                        entry.name(), entry.value(), null, "set on the cluster but not in the product; add "
                        + entry.name() + " to the port's config, or remove it from the topic")));
    }

    private void subject(List<PlannedChange> changes, DataProduct product, OutputPort port, String subject,
                         Schema schema) {
        CompatibilityLevel desiredLevel = port.compatibility();
        Optional<CompatibilityLevel> currentLevel = registry.compatibility(subject);
        changes.add(currentLevel.map(level -> level == desiredLevel
                        ? new PlannedChange(Action.UNCHANGED, Resource.COMPATIBILITY, subject, null, level.name(),
                                desiredLevel.name(), "")
                        : new PlannedChange(Action.UPDATE, Resource.COMPATIBILITY, subject, null, level.name(),
                                desiredLevel.name(), ""))
                .orElseGet(() -> new PlannedChange(Action.CREATE, Resource.COMPATIBILITY, subject, null, null,
                        desiredLevel.name(), "")));

        SchemaDefinition definition = SchemaDefinition.avro(schema);
        List<Integer> versions = versions(subject);
        if (versions.isEmpty()) {
            changes.add(new PlannedChange(Action.CREATE, Resource.SCHEMA, subject, null, null,
                    schema.getFullName() + " as version 1", ""));
            return;
        }
        try {
            RegisteredSchema registered = registry.lookUp(subject, definition);
            changes.add(new PlannedChange(Action.UNCHANGED, Resource.SCHEMA, subject, null,
                    "version " + registered.version() + " (id " + registered.id() + ")", schema.getFullName(), ""));
            return;
        } catch (RegistryNotFoundException notRegistered) {
            // a new schema for an existing subject: check it below
        }
        List<AvroCompatibility.Existing> existing = new ArrayList<>();
        for (int version : versions) {
            RegisteredSchema registered = registry.version(subject, version);
            existing.add(new AvroCompatibility.Existing(version, new Schema.Parser().parse(registered.schema())));
        }
        List<String> messages = AvroCompatibility.check(desiredLevel, schema, existing);
        int latest = versions.get(versions.size() - 1);
        if (messages.isEmpty()) {
            changes.add(new PlannedChange(Action.UPDATE, Resource.SCHEMA, subject, null, "version " + latest,
                    schema.getFullName() + " as version " + (latest + 1), "compatible under " + desiredLevel));
            return;
        }
        PortAddress next = product.address(port).withMajorVersion(nextMajor(product, port));
        changes.add(new PlannedChange(Action.REFUSED, Resource.SCHEMA, subject, null, "version " + latest,
                schema.getFullName(), "the new schema is not " + desiredLevel + " compatible with the subject's versions: "
                + String.join(" ", messages) + ". A breaking change is a new major version: keep port '" + port.name()
                + "' v" + port.majorVersion() + " as it is and publish the new schema as '" + port.name() + "' version "
                + next.majorVersion() + " (topic " + next.topic() + "), which runs beside it until v"
                + port.majorVersion() + " is retired; or make the change compatible (e.g. give new fields defaults)"));
    }

    private static int nextMajor(DataProduct product, OutputPort port) {
        return product.outputPorts().stream()
                .filter(p -> p.name().equals(port.name()))
                .mapToInt(OutputPort::majorVersion)
                .max().orElse(port.majorVersion()) + 1;
    }

    private List<Integer> versions(String subject) {
        try {
            return registry.versions(subject);
        } catch (RegistryNotFoundException e) {
            return List.of();
        }
    }

    private void catalogEntry(List<PlannedChange> changes, DataProduct product, boolean catalogExists) {
        Optional<DataProduct> current = catalogExists ? catalog.product(product.id()) : Optional.empty();
        if (current.isEmpty()) {
            changes.add(new PlannedChange(Action.CREATE, Resource.CATALOG, product.id(), null, null,
                    product.outputPorts().size() + " output ports", ""));
        } else if (DescriptorWriter.toJson(current.get()).equals(DescriptorWriter.toJson(product))) {
            changes.add(new PlannedChange(Action.UNCHANGED, Resource.CATALOG, product.id(), null, null, null, ""));
        } else {
            changes.add(new PlannedChange(Action.UPDATE, Resource.CATALOG, product.id(), null, null, null,
                    "the product's description changed"));
        }
    }

    private Map<String, TopicDescription> describeTopics(DataProduct product) {
        List<String> names = new ArrayList<>();
        for (OutputPort port : product.outputPorts()) {
            names.add(product.address(port).topic());
            names.add(product.address(port).quarantineTopic());
        }
        names.add(catalog.topic());
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(names).topicNameValues();
        Map<String, TopicDescription> found = new LinkedHashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : futures.entrySet()) {
            try {
                found.put(entry.getKey(), entry.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("describe topic " + entry.getKey(), e);
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("describe topic " + entry.getKey(), e);
            }
        }
        return found;
    }

    private Map<String, Config> describeConfigs(Collection<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Config> configs = new HashMap<>();
        await(admin.describeConfigs(resources).all(), "describe topic configurations")
                .forEach((resource, config) -> configs.put(resource.name(), config));
        return configs;
    }

    // ---------------------------------------------------------------- apply

    public void apply(ProvisioningPlan plan) {
        DataProduct product = plan.product();
        List<NewTopic> newTopics = new ArrayList<>();
        Map<String, NewPartitions> newPartitions = new LinkedHashMap<>();
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new LinkedHashMap<>();
        for (PlannedChange change : plan.changes()) {
            if (change.resource() == Resource.TOPIC && change.action() == Action.CREATE) {
                newTopics.add(newTopic(product, change.name()));
            } else if (change.resource() == Resource.PARTITIONS && change.action() == Action.UPDATE) {
                newPartitions.put(change.name(), NewPartitions.increaseTo(Integer.parseInt(change.desired())));
            } else if (change.resource() == Resource.TOPIC_CONFIG && change.action() == Action.UPDATE) {
                alterations.computeIfAbsent(new ConfigResource(ConfigResource.Type.TOPIC, change.name()), k -> new ArrayList<>())
                        .add(new AlterConfigOp(new ConfigEntry(change.setting(), change.desired()), AlterConfigOp.OpType.SET));
            }
        }
        if (!newTopics.isEmpty()) {
            createTopics(newTopics);
        }
        if (!newPartitions.isEmpty()) {
            await(admin.createPartitions(newPartitions).all(), "grow partitions of " + newPartitions.keySet());
            awaitTopicsReady(List.copyOf(newPartitions.keySet()), newPartitions);
        }
        if (!alterations.isEmpty()) {
            await(admin.incrementalAlterConfigs(alterations).all(), "change topic configurations " + alterations.keySet());
            awaitConfigs(alterations);
        }
        for (PlannedChange change : plan.changes()) {
            boolean changes = change.action() == Action.CREATE || change.action() == Action.UPDATE;
            if (change.resource() == Resource.COMPATIBILITY && changes) {
                registry.setCompatibility(change.name(), CompatibilityLevel.valueOf(change.desired()));
            } else if (change.resource() == Resource.SCHEMA && changes) {
                registry.register(change.name(), SchemaDefinition.avro(schemaFor(product, change.name())));
            }
        }
        for (PlannedChange change : plan.changes()) {
            if (change.resource() == Resource.CATALOG && change.action() != Action.UNCHANGED) {
                catalog.publish(product);
            }
        }
    }

    private void createTopics(List<NewTopic> topics) {
        // Topic by topic: one that another provisioner created meanwhile is fine, and must not hide another's failure.
        Map<String, KafkaFuture<Void>> created = admin.createTopics(topics).values();
        for (Map.Entry<String, KafkaFuture<Void>> topic : created.entrySet()) {
            try {
                topic.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("create topic " + topic.getKey(), e);
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("create topic " + topic.getKey(), e);
            }
        }
        awaitTopicsReady(topics.stream().map(NewTopic::name).toList(), Map.of());
    }

    /**
     * Right after a change, not every broker may know it yet: wait until each partition has a leader and, for grown
     * topics, until the new partition count is visible, so that a plan made right after apply sees the change.
     */
    private void awaitTopicsReady(List<String> names, Map<String, NewPartitions> grown) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (described.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null)
                        && (!grown.containsKey(d.name()) || d.partitions().size() >= grown.get(d.name()).totalCount()))
                        && leadersServe(described)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("wait for new topics " + names, e);
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("wait for new topics " + names, e);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new MeshException("Topics " + names + " were changed but are not ready after "
                        + TIMEOUT_MS / 1000 + " s; check the brokers' health");
            }
            pause("topics " + names);
        }
    }

    /**
     * True once the leader of every partition serves it, not only once the metadata names a leader: a broker learns
     * of a new partition from the metadata log a little later than its leadership is visible. Producing in between
     * is refused with NOT_LEADER_OR_FOLLOWER, and an idempotent producer with several requests in flight can then see
     * a later request written before the refused one, whose retries fail with OUT_OF_ORDER_SEQUENCE_NUMBER until
     * {@code delivery.timeout.ms} (KAFKA-15591, KAFKA-19880; seen here on 4.3.1 under load). DescribeProducers is answered
     * by each partition's leader from its partition state, so its success is the sign to wait for.
     */
    private boolean leadersServe(Map<String, TopicDescription> described) {
        List<TopicPartition> partitions = described.values().stream().flatMap(d -> d.partitions().stream()
                .map(p -> new TopicPartition(d.name(), p.partition()))).toList();
        try {
            admin.describeProducers(partitions).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return true; // this principal may not ask; the metadata check above is all it can do
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) {
                return false;
            }
            throw failure("check that the leaders of " + described.keySet() + " serve them", e);
        } catch (InterruptedException | TimeoutException e) {
            throw failure("check that the leaders of " + described.keySet() + " serve them", e);
        }
    }

    /** Waits until every broker-visible configuration shows the values just set. */
    private void awaitConfigs(Map<ConfigResource, Collection<AlterConfigOp>> alterations) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            Map<ConfigResource, Config> current = await(admin.describeConfigs(alterations.keySet()).all(),
                    "read back topic configurations");
            boolean visible = alterations.entrySet().stream().allMatch(entry -> entry.getValue().stream().allMatch(op -> {
                ConfigEntry now = current.get(entry.getKey()).get(op.configEntry().name());
                return now != null && op.configEntry().value().equals(now.value());
            }));
            if (visible) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new MeshException("Topic configurations " + alterations.keySet() + " were changed but the brokers"
                        + " do not show the new values after " + TIMEOUT_MS / 1000 + " s");
            }
            pause("topic configurations");
        }
    }

    private static void pause(String what) {
        try {
            Thread.sleep(100); // polling the cluster's metadata
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while waiting for " + what, e);
        }
    }

    private NewTopic newTopic(DataProduct product, String topic) {
        if (topic.equals(catalog.topic())) {
            return new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        for (OutputPort port : product.outputPorts()) {
            PortAddress address = product.address(port);
            if (topic.equals(address.topic())) {
                return new NewTopic(topic, Optional.of(port.partitions()), port.replicationFactor())
                        .configs(port.topicConfigs());
            }
            if (topic.equals(address.quarantineTopic())) {
                return new NewTopic(topic, Optional.of(port.partitions()), port.replicationFactor());
            }
        }
        throw new IllegalStateException("The plan names topic " + topic + ", which is not part of " + product.id());
    }

    private static Schema schemaFor(DataProduct product, String subject) {
        for (OutputPort port : product.outputPorts()) {
            PortAddress address = product.address(port);
            if (subject.equals(address.valueSubject())) {
                return port.valueSchema();
            }
            if (subject.equals(address.keySubject())) {
                return PortKeys.keySchema(port);
            }
        }
        throw new IllegalStateException("The plan names subject " + subject + ", which is not part of " + product.id());
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw failure(what, e);
        }
    }

    private static MeshException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new MeshException("Provisioning could not " + what + ": " + cause.getClass().getSimpleName() + ": "
                + cause.getMessage(), cause);
    }
}
