package io.meshstreams.local.internal.kafka;

import java.util.Optional;

/**
 * The main class of a broker in a child process: {@code kafka.Kafka server.properties}, as
 * {@code kafka-server-start.sh} runs it, plus one thing: the broker halts at once when its parent JVM ends.
 *
 * <p>The parent passes its pid as {@value #PARENT_PID_PROPERTY}. If this process's parent is not that process (the
 * parent ended before this started, and the process was adopted), or once that process ends (the cluster closed, the
 * JVM exited or was killed), the broker halts rather than outlive it as an orphan holding ports and memory. Halting is
 * abrupt on purpose: with the parent gone, the controller is gone too, and a controlled shutdown would wait for it.
 * Standard input is not used for this: {@link Process#destroy()} closes it while it asks for a clean shutdown.
 */
public final class BrokerProcessMain {
    /** The system property that carries the parent's pid. */
    static final String PARENT_PID_PROPERTY = "mesh.parent.pid";
    /** The exit code of a broker whose parent went away. */
    static final int PARENT_GONE = 3;

    private BrokerProcessMain() {
    }

    public static void main(String[] args) {
        long expectedParent = Long.parseLong(System.getProperty(PARENT_PID_PROPERTY, "-1"));
        Optional<ProcessHandle> parent = ProcessHandle.current().parent()
                .filter(handle -> handle.pid() == expectedParent);
        if (parent.isEmpty()) {
            parentGone();
        }
        parent.get().onExit().thenRun(BrokerProcessMain::parentGone);
        kafka.Kafka.main(args);
    }

    private static void parentGone() {
        System.err.println("mesh-streams: the parent JVM of this broker is gone; halting");
        Runtime.getRuntime().halt(PARENT_GONE);
    }
}
