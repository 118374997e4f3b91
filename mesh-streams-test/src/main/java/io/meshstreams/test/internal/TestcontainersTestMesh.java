package io.meshstreams.test.internal;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.local.registry.SchemaRegistryServer;
import io.meshstreams.test.TestMesh;

import org.junit.jupiter.api.Assumptions;

import java.util.Map;
import java.util.Optional;

/**
 * The second mode ({@code -Dmesh.test.mode=testcontainers}): an {@code apache/kafka} container and a Confluent
 * schema registry container on one Docker network. Where Docker is absent, the tests that ask for it are skipped,
 * not failed. Images can be changed with {@code -Dmesh.test.kafka.image=...} and {@code -Dmesh.test.registry.image=...}.
 */
public final class TestcontainersTestMesh extends ManagedTestMesh {
    static final String KAFKA_IMAGE_PROPERTY = "mesh.test.kafka.image";
    static final String REGISTRY_IMAGE_PROPERTY = "mesh.test.registry.image";
    static final String DEFAULT_KAFKA_IMAGE = "apache/kafka:4.1.1";
    static final String DEFAULT_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.9.0";

    private final Containers containers;

    private TestcontainersTestMesh(Containers containers) {
        super(Map.of("bootstrap.servers", containers.bootstrapServers()));
        this.containers = containers;
    }

    /** Why tests asking for this many brokers cannot run in this mode here, or empty if they can. */
    public static Optional<String> whyNot(int brokers, boolean brokersInChildProcesses, boolean secure) {
        requireTestcontainers();
        if (brokers != 1) {
            return Optional.of("@MeshTest(brokers = " + brokers + ") stops and starts brokers, which only the embedded"
                    + " mode supports");
        }
        if (brokersInChildProcesses) {
            return Optional.of("@MeshTest(brokersInChildProcesses = true) kills brokers, which only the embedded mode"
                    + " supports");
        }
        if (secure) {
            return Optional.of("@MeshTest(secure = true) needs SASL, the StandardAuthorizer and a registry that checks"
                    + " credentials against Kafka, which only the embedded mode sets up");
        }
        if (!Containers.dockerAvailable()) {
            return Optional.of("-D" + TestMesh.MODE_PROPERTY + "=testcontainers asks for Docker, and no Docker"
                    + " environment was found (run without the property to use the in-process mesh)");
        }
        return Optional.empty();
    }

    private static void requireTestcontainers() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("-D" + TestMesh.MODE_PROPERTY + "=testcontainers needs Testcontainers on the"
                    + " test classpath: add org.testcontainers:kafka (test scope) to your build", e);
        }
    }

    public static TestcontainersTestMesh start(int brokers, boolean brokersInChildProcesses, boolean secure) {
        whyNot(brokers, brokersInChildProcesses, secure).ifPresent(reason -> Assumptions.abort("Skipped: " + reason));
        return new TestcontainersTestMesh(Containers.start(
                System.getProperty(KAFKA_IMAGE_PROPERTY, DEFAULT_KAFKA_IMAGE),
                System.getProperty(REGISTRY_IMAGE_PROPERTY, DEFAULT_REGISTRY_IMAGE)));
    }

    @Override
    public Map<String, Object> platformConfig() {
        return clientConfig();
    }

    @Override
    public Map<String, Object> clientConfig(String domain) {
        Map<String, Object> config = clientConfig();
        config.put(DOMAIN_CONFIG, requireDomainName(domain));
        return config;
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public String bootstrapServers() {
        return containers.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return containers.schemaRegistryUrl();
    }

    @Override
    public Optional<EmbeddedKafkaCluster> embeddedKafka() {
        return Optional.empty();
    }

    @Override
    public Optional<SchemaRegistryServer> embeddedRegistry() {
        return Optional.empty();
    }

    @Override
    public String mode() {
        return "testcontainers";
    }

    @Override
    protected void closeServers() {
        containers.close();
    }
}
