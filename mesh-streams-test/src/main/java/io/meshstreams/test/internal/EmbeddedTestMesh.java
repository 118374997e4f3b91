package io.meshstreams.test.internal;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.local.registry.SchemaRegistryServer;
import io.meshstreams.local.LocalMesh;

import java.util.Optional;

/** The default mode: Kafka and the registry in this JVM. */
public final class EmbeddedTestMesh extends ManagedTestMesh {
    private final LocalMesh mesh;

    private EmbeddedTestMesh(LocalMesh mesh) {
        super(mesh.bootstrapServers());
        this.mesh = mesh;
    }

    public static EmbeddedTestMesh start(int brokers, boolean brokersInChildProcesses) {
        return new EmbeddedTestMesh(LocalMesh.builder().brokers(brokers)
                .brokersInChildProcesses(brokersInChildProcesses).start());
    }

    @Override
    public String bootstrapServers() {
        return mesh.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return mesh.schemaRegistryUrl();
    }

    @Override
    public Optional<EmbeddedKafkaCluster> embeddedKafka() {
        return Optional.of(mesh.kafka());
    }

    @Override
    public Optional<SchemaRegistryServer> embeddedRegistry() {
        return Optional.of(mesh.registry());
    }

    @Override
    public String mode() {
        return "embedded";
    }

    @Override
    protected void closeServers() {
        mesh.close();
    }
}
