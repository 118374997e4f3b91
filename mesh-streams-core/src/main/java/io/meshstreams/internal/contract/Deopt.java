package io.meshstreams.internal.contract;

/**
 * Thrown by the fast path when it cannot give the answer that dev.cel's interpreter would give by
 * itself: on any evaluation error (overflow, division by zero, null where a value is needed), and on
 * any value it was not built for (a Java class that does not match the schema, malformed UTF-8 where
 * it compares bytes, a nested record of another layout). The rule is then evaluated by the
 * interpreter, whose answer is the reference. No stack trace: it is control flow.
 */
final class Deopt extends RuntimeException {
    static final Deopt INSTANCE = new Deopt();

    private Deopt() {
        super("evaluate with the interpreter", null, false, false);
    }
}
