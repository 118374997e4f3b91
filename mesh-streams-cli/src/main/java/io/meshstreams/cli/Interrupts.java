package io.meshstreams.cli;

import sun.misc.Signal;

/**
 * Makes SIGINT end the JVM through its shutdown hooks even when the shell started us with SIGINT ignored (as
 * non-interactive shells do for background jobs), so that Ctrl+C and {@code kill -INT} always shut down cleanly.
 */
final class Interrupts {
    private Interrupts() {
    }

    static void exitOnInterrupt() {
        try {
            Signal.handle(new Signal("INT"), signal -> System.exit(130));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No such signal on this platform: the JVM's default handling applies.
        }
    }
}
