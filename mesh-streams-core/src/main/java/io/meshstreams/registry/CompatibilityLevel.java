package io.meshstreams.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A subject's compatibility level, as Confluent Schema Registry defines it. A new schema version
 * must be compatible with earlier versions of the subject at this level.
 *
 * <ul>
 *   <li>{@code BACKWARD}: a reader using the new schema can read data written with the latest version.</li>
 *   <li>{@code FORWARD}: a reader using the latest version can read data written with the new schema.</li>
 *   <li>{@code FULL}: both.</li>
 *   <li>The {@code _TRANSITIVE} forms check against every live version, not only the latest.</li>
 *   <li>{@code NONE}: no check.</li>
 * </ul>
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** True if a reader using the new schema must be able to read data written with older versions. */
    public boolean checksBackward() {
        return backward;
    }

    /** True if a reader using older versions must be able to read data written with the new schema. */
    public boolean checksForward() {
        return forward;
    }

    /** True if the check runs against every live version, false if only against the latest. */
    public boolean isTransitive() {
        return transitive;
    }

    /**
     * Parses a level by name, ignoring case ({@code "full_transitive"} is accepted).
     *
     * @return the level, or empty if the name is not one of {@link #validNames()}
     */
    public static Optional<CompatibilityLevel> parse(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(level -> level.name().equals(upper)).findFirst();
    }

    /** The valid names, for error messages: {@code NONE, BACKWARD, ...}. */
    public static String validNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
