package io.meshstreams.local.internal.kafka;

/** A started Kafka node: a server in this JVM or a child JVM. Not thread-safe; the cluster serialises calls. */
interface RunningNode {

    /** A controlled shutdown; returns when the node has stopped. */
    void stop();

    /** Ends the node abruptly, as {@code kill -9} would; returns when it is gone. */
    void kill();

    /** False once the node has stopped, was killed, or ended on its own. */
    boolean isAlive();

    /** Why the node ended on its own, for an error message; only meaningful when {@link #isAlive()} is false. */
    String exitReport();
}
