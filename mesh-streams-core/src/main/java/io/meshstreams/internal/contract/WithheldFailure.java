package io.meshstreams.internal.contract;

import io.meshstreams.MeshException;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A failure whose message was withheld because it may quote a classified value (Avro's and serializers' texts quote
 * the datum): it keeps the original's type (in its message), its stack trace, and its causes, each withheld the same
 * way, so that the failure can still be traced without the value reaching a message or a log line.
 */
public final class WithheldFailure extends MeshException {
    private static final int MAX_CAUSES = 16;

    private WithheldFailure(String message) {
        super(message);
    }

    /**
     * The failure, and its causes, with their messages withheld.
     *
     * @param why why the messages are withheld, e.g. {@code the key field 'email' is classified PII}
     */
    public static WithheldFailure of(Throwable failure, String why) {
        return copy(failure, why, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static WithheldFailure copy(Throwable failure, String why, Set<Throwable> seen, int depth) {
        seen.add(failure);
        WithheldFailure copy = new WithheldFailure(failure.getClass().getName() + " (message withheld: " + why + ")");
        copy.setStackTrace(failure.getStackTrace());
        Throwable cause = failure.getCause();
        if (cause != null && depth < MAX_CAUSES && !seen.contains(cause)) {
            copy.initCause(copy(cause, why, seen, depth + 1));
        }
        return copy;
    }
}
