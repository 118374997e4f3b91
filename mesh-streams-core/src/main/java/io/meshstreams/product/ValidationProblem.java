package io.meshstreams.product;

import java.util.Objects;

/**
 * One problem found in a data product's description: where it is, what is wrong, and what to do about it.
 *
 * <ol>
 *   <li>Immutable; equal when source, path, message and fix are equal.</li>
 *   <li>{@link #toString()} is the line a person reads: {@code source: path: message Fix: fix}.</li>
 *   <li>Messages never quote the contents of a file that was not what the description said it was (a secrets file
 *       named as a schema, a binary file): they say where the file breaks (line, column) and what was expected.</li>
 * </ol>
 */
public final class ValidationProblem {
    /** The source of a product built in code rather than read from a file. */
    public static final String CODE = "<code>";

    private final String source;
    private final String path;
    private final String message;
    private final String fix;

    private ValidationProblem(String source, String path, String message, String fix) {
        this.source = Objects.requireNonNull(source, "source");
        this.path = Objects.requireNonNull(path, "path");
        this.message = Objects.requireNonNull(message, "message");
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    /**
     * A problem.
     *
     * @param source  where the description came from: a file path, or {@link #CODE} for a product built in code
     * @param path    where in the description, e.g. {@code outputPorts[0].rules[1].expression}; empty for the whole
     * @param message what is wrong: what was expected and what was found
     * @param fix     what to do about it, or empty
     */
    public static ValidationProblem of(String source, String path, String message, String fix) {
        return new ValidationProblem(source, path, message, fix);
    }

    /** Where the description came from: a file path, or {@link #CODE} for a product built in code. */
    public String source() {
        return source;
    }

    /** Where in the description, e.g. {@code outputPorts[0].rules[1].expression}; empty for the whole. */
    public String path() {
        return path;
    }

    /** What is wrong: what was expected and what was found. */
    public String message() {
        return message;
    }

    /** What to do about it, or empty. */
    public String fix() {
        return fix;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValidationProblem that && source.equals(that.source) && path.equals(that.path)
                && message.equals(that.message) && fix.equals(that.fix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, path, message, fix);
    }

    @Override
    public String toString() {
        return source + ": " + (path.isEmpty() ? "" : path + ": ") + message + (fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
