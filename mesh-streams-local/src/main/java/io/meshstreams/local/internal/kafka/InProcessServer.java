package io.meshstreams.local.internal.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** A node as a {@link KafkaRaftServer} in this JVM: it can stop, but not die abruptly without taking the JVM along. */
final class InProcessServer implements RunningNode {
    private static final Logger log = LoggerFactory.getLogger(InProcessServer.class);

    private final int nodeId;
    private final KafkaRaftServer server;
    private boolean stopped;

    private InProcessServer(int nodeId, KafkaRaftServer server) {
        this.nodeId = nodeId;
        this.server = server;
    }

    /** Starts the server; returns when its broker (if any) has started. */
    static InProcessServer start(int nodeId, Map<String, String> config) {
        KafkaRaftServer created = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        try {
            created.startup();
        } catch (RuntimeException e) {
            try {
                created.shutdown();
                created.awaitShutdown();
            } catch (RuntimeException stopFailure) {
                log.warn("Could not stop Kafka node {} that failed to start: {}", nodeId, stopFailure.toString());
            }
            throw new IllegalStateException("Kafka node " + nodeId + " failed to start: " + e.getMessage(), e);
        }
        return new InProcessServer(nodeId, created);
    }

    @Override
    public void stop() {
        if (!stopped) {
            stopped = true;
            server.shutdown();
            server.awaitShutdown();
        }
    }

    @Override
    public void kill() {
        throw new IllegalStateException("Kafka node " + nodeId + " runs in this JVM, where it cannot be killed: a"
                + " KafkaRaftServer only stops by shutting down. Stop it with stopBroker(" + nodeId + "), or start the"
                + " cluster with EmbeddedKafkaCluster.builder().brokersInChildProcesses(true) (in the test kit:"
                + " @MeshTest(brokersInChildProcesses = true)) to kill brokers");
    }

    @Override
    public boolean isAlive() {
        return !stopped;
    }

    @Override
    public String exitReport() {
        return "stopped";
    }
}
