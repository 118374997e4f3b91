package io.meshstreams.contract;

import java.util.Objects;

/**
 * One thing wrong with one rule of a contract, found when the rules are compiled against the port's
 * schema, before any record is checked.
 *
 * <p>The {@code type} is a string, not an enum, so that new kinds of problem can be added; compare it
 * with the constants here.
 *
 * @param type       what kind of problem: {@link #SYNTAX}, {@link #UNKNOWN_FIELD}, {@link #TYPE},
 *                   {@link #NOT_BOOL}, {@link #DUPLICATE_NAME}, {@link #INVALID_RULE},
 *                   {@link #INVALID_REGEX}
 * @param rule       the rule's name
 * @param expression the rule's expression
 * @param position   the zero-based offset (in code points) in the expression where the problem is, or
 *                   -1 when the problem concerns the rule as a whole
 * @param message    what is wrong, with what was expected and what was found
 */
public record RuleProblem(String type, String rule, String expression, int position, String message) {
    /** The expression is not valid CEL syntax (or exceeds the parser's size or nesting limits). */
    public static final String SYNTAX = "SYNTAX";
    /** The expression reads a field that the port's Avro schema does not have. */
    public static final String UNKNOWN_FIELD = "UNKNOWN_FIELD";
    /**
     * The expression does not type-check against the schema: operands of the wrong type, an unknown
     * function or variable.
     */
    public static final String TYPE = "TYPE";
    /** The expression's result is not a bool. */
    public static final String NOT_BOOL = "NOT_BOOL";
    /** Two rules of the contract have the same name. */
    public static final String DUPLICATE_NAME = "DUPLICATE_NAME";
    /** The rule's name or expression is blank. */
    public static final String INVALID_RULE = "INVALID_RULE";
    /** A regular expression literal passed to {@code matches} does not compile. */
    public static final String INVALID_REGEX = "INVALID_REGEX";

    public RuleProblem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(message, "message");
    }
}
