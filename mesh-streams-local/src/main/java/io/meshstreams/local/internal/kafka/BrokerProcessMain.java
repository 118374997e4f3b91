package io.meshstreams.local.internal.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * The main class of a broker in a child process: {@code kafka.Kafka server.properties}, as
 * {@code kafka-server-start.sh} runs it, plus one thing: the broker ends at once when its parent JVM does.
 *
 * <p>The parent holds the write end of this process's standard input and never writes to it; end of input means the
 * parent is gone (closed the cluster, exited, or was killed), so the broker halts rather than outlive it as an
 * orphan holding ports and memory. Halting is abrupt on purpose: with the parent gone, the controller is gone too,
 * and a controlled shutdown would wait for it.
 */
public final class BrokerProcessMain {
    /** The exit code of a broker whose parent went away. */
    static final int PARENT_GONE = 3;

    private BrokerProcessMain() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[64];
            try {
                while (in.read(buffer) != -1) {
                    // the parent writes nothing; any bytes are ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of input
            }
            System.err.println("mesh-streams: the parent JVM of this broker is gone; halting");
            Runtime.getRuntime().halt(PARENT_GONE);
        }, "mesh-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }
}
