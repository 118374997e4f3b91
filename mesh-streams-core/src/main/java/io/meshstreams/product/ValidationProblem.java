package io.meshstreams.product;

import java.util.Objects;

/**
 * One problem found in a data product's description.
 *
 * @param source  where the description came from: a file path, or {@code <code>} for a product built in code
 * @param path    where in the description, e.g. {@code outputPorts[0].rules[1].expression}
 * @param message what is wrong: what was expected and what was found
 * @param fix     what to do about it
 */
public record ValidationProblem(String source, String path, String message, String fix) {
    /** The source of a product built in code rather than read from a file. */
    public static final String CODE = "<code>";

    public ValidationProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
        return source + ": " + path + ": " + message + (fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
