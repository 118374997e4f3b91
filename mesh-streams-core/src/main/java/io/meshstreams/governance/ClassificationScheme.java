package io.meshstreams.governance;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The ordered classification levels of a mesh, lowest first. A field classified at a level is visible in clear to
 * a consumer whose clearance is that level or higher; to everyone else it is masked.
 *
 * <p>The {@link #DEFAULT default} levels are {@code PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED}. Level names
 * are upper case; lookups ignore case.
 *
 * @param levels the level names, lowest first, unique
 */
public record ClassificationScheme(List<String> levels) {
    public static final ClassificationScheme DEFAULT =
            new ClassificationScheme(List.of("PUBLIC", "INTERNAL", "CONFIDENTIAL", "PII", "RESTRICTED"));

    public ClassificationScheme {
        levels = levels.stream().map(level -> level.trim().toUpperCase(Locale.ROOT)).toList();
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("A classification scheme needs at least one level");
        }
        if (levels.stream().distinct().count() != levels.size()) {
            throw new IllegalArgumentException("Classification levels must be unique: " + levels);
        }
    }

    /** The level's rank, 0 for the lowest, or empty if the scheme has no such level. */
    public Optional<Integer> rank(String level) {
        int index = levels.indexOf(Objects.requireNonNull(level, "level").trim().toUpperCase(Locale.ROOT));
        return index < 0 ? Optional.empty() : Optional.of(index);
    }

    /** True if the scheme has the level. */
    public boolean contains(String level) {
        return rank(level).isPresent();
    }

    /**
     * True if a consumer with this clearance may see a field with this classification in clear. An unknown
     * classification is treated as the highest level (fail closed).
     *
     * @throws IllegalArgumentException if the clearance is not a level of this scheme
     */
    public boolean clears(String clearance, String classification) {
        int cleared = rank(clearance).orElseThrow(() -> new IllegalArgumentException("Unknown clearance '" + clearance
                + "'; the levels are " + String.join(", ", levels)));
        int needed = rank(classification).orElse(levels.size());
        return cleared >= needed;
    }

    /** The levels, comma-separated, for messages. */
    public String describe() {
        return String.join(" < ", levels);
    }
}
