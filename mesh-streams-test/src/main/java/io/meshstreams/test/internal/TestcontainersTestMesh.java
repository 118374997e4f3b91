package io.meshstreams.test.internal;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.test.TestMesh;

import org.junit.jupiter.api.Assumptions;

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
        super(containers.bootstrapServers());
        this.containers = containers;
    }

    public static TestcontainersTestMesh start(int brokers) {
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("-D" + TestMesh.MODE_PROPERTY + "=testcontainers needs Testcontainers on the"
                    + " test classpath: add org.testcontainers:kafka (test scope) to your build", e);
        }
        Assumptions.assumeTrue(Containers.dockerAvailable(),
                "Skipped: -D" + TestMesh.MODE_PROPERTY + "=testcontainers asks for Docker, and no Docker environment"
                        + " was found (run without the property to use the in-process mesh)");
        Assumptions.assumeTrue(brokers == 1, "Skipped: @MeshTest(brokers = " + brokers + ") stops and starts brokers,"
                + " which only the embedded mode supports");
        return new TestcontainersTestMesh(Containers.start(
                System.getProperty(KAFKA_IMAGE_PROPERTY, DEFAULT_KAFKA_IMAGE),
                System.getProperty(REGISTRY_IMAGE_PROPERTY, DEFAULT_REGISTRY_IMAGE)));
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
    public String mode() {
        return "testcontainers";
    }

    @Override
    protected void closeServers() {
        containers.close();
    }
}
