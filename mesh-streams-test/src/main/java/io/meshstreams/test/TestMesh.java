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

    /**
     * {@code bootstrap.servers} and {@code schema.registry.url}, in a new mutable map to add client settings to. In a
     * {@link #secure() secured} mesh also {@code security.protocol} and {@code sasl.mechanism}, but no credentials: use
     * {@link #platformConfig()} or {@link #clientConfig(String)}.
     */
    Map<String, Object> clientConfig();

    /**
     * The complete client configuration of the platform principal {@code User:platform}, in a new mutable map: Kafka's
     * SASL settings and the registry's {@code basic.auth.credentials.source=USER_INFO} and {@code basic.auth.user.info}.
     * The platform is a super user. In an unsecured mesh the same as {@link #clientConfig()}.
     */
    Map<String, Object> platformConfig();

    /**
     * The complete client configuration of a domain, in a new mutable map: {@link #clientConfig()} plus
     * {@code mesh.domain} and, in a {@link #secure() secured} mesh, the credentials of the domain's own SCRAM-SHA-512
     * user {@code User:<domain>} for Kafka and the registry. The user is created with a random password on first use
     * (as the platform, with {@code Admin.alterUserScramCredentials}) and every broker accepts it when this returns;
     * it has no ACLs, so it may do nothing until the test (or provisioning) grants it some.
     *
     * @throws IllegalArgumentException if the domain is not 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}
     */
    Map<String, Object> clientConfig(String domain);

    /** True if the class asked for a {@link MeshTest#secure() secured} mesh. */
    boolean secure();

    /** An admin client shared by the tests of this mesh, acting as the platform; do not close it. */
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
