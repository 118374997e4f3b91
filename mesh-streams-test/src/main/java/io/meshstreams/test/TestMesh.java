package io.meshstreams.test;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.local.registry.SchemaRegistryServer;

import org.apache.kafka.clients.admin.Admin;

import java.util.Map;
import java.util.Optional;

/**
 * The mesh a test runs against. Created and closed by {@link MeshTestExtension}; tests never close it, nor the
 * {@link #admin()} it hands out. Thread-safe.
 */
public interface TestMesh {

    /** The system property that selects the mode: {@code embedded} (the default) or {@code testcontainers}. */
    String MODE_PROPERTY = "mesh.test.mode";

    /** {@code bootstrap.servers} of the cluster. */
    String bootstrapServers();

    /** {@code schema.registry.url} of the registry. */
    String schemaRegistryUrl();

    /** {@code bootstrap.servers} and {@code schema.registry.url}, in a new mutable map to add client settings to. */
    Map<String, Object> clientConfig();

    /** An admin client shared by the tests of this mesh; do not close it. */
    Admin admin();

    /**
     * A topic name no other test in this JVM gets: {@code prefix} followed by a counter and a random suffix. Legal as
     * a Kafka topic name if the prefix is.
     */
    String uniqueTopic(String prefix);

    /**
     * The embedded cluster, to stop and start brokers, and to kill them when the class asked for
     * {@link MeshTest#brokersInChildProcesses() brokers in child processes}; empty in Testcontainers mode.
     */
    Optional<EmbeddedKafkaCluster> embeddedKafka();

    /** The in-process registry server, e.g. to count the requests it served; empty in Testcontainers mode. */
    Optional<SchemaRegistryServer> embeddedRegistry();

    /** The mode this mesh runs in: {@code embedded} or {@code testcontainers}. */
    String mode();
}
