package io.meshstreams.contract;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One promise of a contract, written as a CEL expression over the record, which is bound as
 * {@code message}: for example {@code message.amount > 0} or
 * {@code message.currency in ['EUR', 'USD', 'GBP']}, as in Confluent's data contract CEL rules.
 *
 * <p>The expression must evaluate to a {@code bool}: {@code true} means the record keeps the promise.
 * An expression that fails to evaluate (for example {@code size(message.note)} when {@code note} is
 * null) counts as broken: rules fail closed.
 *
 * @param name        the rule's name, unique within the contract; it names the rule in violations and
 *                    quarantine headers, so keep it stable (for example {@code amount-positive})
 * @param expression  the CEL expression
 * @param description what the rule promises, in words, for people reading a violation; may be null
 */
public record Rule(String name, String expression, @Nullable String description) {
    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expression, "expression");
    }

    /** A rule without a description. */
    public static Rule of(String name, String expression) {
        return new Rule(name, expression, null);
    }
}
