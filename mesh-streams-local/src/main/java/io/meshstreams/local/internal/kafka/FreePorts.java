package io.meshstreams.local.internal.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a port that is free at the moment of asking, on the host the caller will bind. */
public final class FreePorts {
    private FreePorts() {
    }

    public static int pick(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }
}
