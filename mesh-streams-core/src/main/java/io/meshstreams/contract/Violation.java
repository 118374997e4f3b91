package io.meshstreams.contract;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One broken promise of one record: which kind of promise, which rule (if it was a rule), which
 * field, and a message that says what was expected and what was found.
 *
 * <p>The {@code type} is a string, not an enum, so that new kinds of violation can be added without
 * breaking code that switches over the known ones; compare it with the constants here.
 *
 * @param type    {@link #RULE}, {@link #SCHEMA}, {@link #KEY}, or a type added later
 * @param rule    the name of the broken rule, or null when the violation is not a rule's
 * @param field   the path of the field the violation concerns, such as {@code amount} or
 *                {@code address.city} (a schema violation in an array element or a map value:
 *                {@code items[2].sku}, {@code attributes["gift"]}); several fields are joined with
 *                {@code ,}; empty when the violation concerns no particular field
 * @param message what was expected and what was found, for people. The violations mesh-streams reports never carry
 *                the value of a classified field: they show its classification instead ({@code email=<PII>})
 */
public record Violation(String type, @Nullable String rule, String field, String message) {
    /** A contract rule evaluated to false, or could not be evaluated (rules fail closed). */
    public static final String RULE = "RULE";
    /** The record does not match the port's schema. */
    public static final String SCHEMA = "SCHEMA";
    /** The record's key breaks the port's key definition (for example a required key is missing). */
    public static final String KEY = "KEY";

    public Violation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** A violation of the named rule. */
    public static Violation ofRule(String rule, String field, String message) {
        return new Violation(RULE, Objects.requireNonNull(rule, "rule"), field, message);
    }

    /** A violation of the port's schema at the given field path. */
    public static Violation ofSchema(String field, String message) {
        return new Violation(SCHEMA, null, field, message);
    }

    /** A violation of the port's key definition. */
    public static Violation ofKey(String message) {
        return new Violation(KEY, null, "", message);
    }
}
