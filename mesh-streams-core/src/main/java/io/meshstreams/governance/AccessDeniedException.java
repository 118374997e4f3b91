package io.meshstreams.governance;

import io.meshstreams.MeshException;
import io.meshstreams.product.PortAddress;

/**
 * A domain asked for something on a port that governance does not allow it: publishing on another domain's port,
 * or reading a port it holds no grant on. The message names the domain, the port, what is missing and how to get it.
 */
public class AccessDeniedException extends MeshException {
    private final String domain;
    private final PortAddress port;

    public AccessDeniedException(String domain, PortAddress port, String message) {
        super(message);
        this.domain = domain;
        this.port = port;
    }

    /** The domain that was refused. */
    public String domain() {
        return domain;
    }

    /** The port it was refused on. */
    public PortAddress port() {
        return port;
    }
}
