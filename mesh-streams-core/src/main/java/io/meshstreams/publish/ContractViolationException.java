package io.meshstreams.publish;

import io.meshstreams.MeshException;
import io.meshstreams.contract.Violation;
import io.meshstreams.product.PortAddress;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A record broke its port's contract and the port rejects such records ({@code onViolation: REJECT}): nothing was
 * sent. {@link #violations()} lists every violation of the record, not only the first. Neither the message nor the
 * violations carry the value of a classified field (they show {@code <PII>} in its place), and the exception has no
 * cause: it is safe to log.
 */
public class ContractViolationException extends MeshException {
    private final PortAddress port;
    private final List<Violation> violations;

    public ContractViolationException(PortAddress port, List<Violation> violations) {
        super("Record rejected by the contract of port " + port + ": " + violations.size()
                + (violations.size() == 1 ? " violation" : " violations") + "\n" + violations.stream()
                .map(v -> "  - " + v.type() + (v.rule() == null ? "" : " " + v.rule())
                        + (v.field().isEmpty() ? "" : " [" + v.field() + "]") + ": " + v.message())
                .collect(Collectors.joining("\n")));
        this.port = port;
        this.violations = List.copyOf(violations);
    }

    public PortAddress port() {
        return port;
    }

    public List<Violation> violations() {
        return violations;
    }
}
