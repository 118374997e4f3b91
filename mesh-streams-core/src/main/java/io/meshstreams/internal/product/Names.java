package io.meshstreams.internal.product;

import java.util.Optional;
import java.util.regex.Pattern;

/** The naming rules for domains, products and ports, which together make Kafka topic names. */
public final class Names {
    /** Kafka's limit for a topic name. */
    public static final int MAX_TOPIC_LENGTH = 249;
    public static final int MAX_SEGMENT_LENGTH = 64;
    /** Avro field names separated by single dots: a field path such as {@code customer.id}. */
    public static final Pattern FIELD_PATH = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$");
    /** Names longer than this get no "did you mean" suggestion: the distance costs the product of the lengths. */
    private static final int MAX_SUGGESTION_LENGTH = 100;
    private static final Pattern SEGMENT = Pattern.compile("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");

    private Names() {
    }

    /**
     * Why a domain, product or port name is not legal, or empty if it is. Names are lower case letters, digits and
     * single hyphens, start with a letter, and are at most {@value #MAX_SEGMENT_LENGTH} characters: they become
     * parts of topic names separated by dots, and Kafka treats {@code .} and {@code _} alike in metric names, so
     * neither may appear inside a name.
     */
    public static Optional<String> segmentProblem(String kind, String name) {
        if (name.isEmpty()) {
            return Optional.of("the " + kind + " name is empty");
        }
        if (name.length() > MAX_SEGMENT_LENGTH) {
            return Optional.of("the " + kind + " name '" + name + "' has " + name.length() + " characters, more than "
                    + MAX_SEGMENT_LENGTH);
        }
        if (!SEGMENT.matcher(name).matches()) {
            return Optional.of("the " + kind + " name '" + name + "' is not lower case letters, digits and single"
                    + " hyphens starting with a letter");
        }
        return Optional.empty();
    }

    /** A legal name close to the given one, for the fix of a problem: lower case, hyphens for other characters. */
    public static String suggestion(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (lower.isEmpty() || !Character.isLetter(lower.charAt(0))) {
            lower = "x" + (lower.isEmpty() ? "" : "-" + lower);
        }
        return lower.length() > MAX_SEGMENT_LENGTH ? lower.substring(0, MAX_SEGMENT_LENGTH).replaceAll("-+$", "") : lower;
    }

    /** Levenshtein distance, for "did you mean" suggestions. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The candidate closest to the name, if it is close enough to be a likely typo. */
    public static Optional<String> closest(String name, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        if (name.length() > MAX_SUGGESTION_LENGTH) {
            return Optional.empty();
        }
        for (String candidate : candidates) {
            if (candidate.length() > MAX_SUGGESTION_LENGTH) {
                continue;
            }
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 4) ? Optional.of(best) : Optional.empty();
    }
}
