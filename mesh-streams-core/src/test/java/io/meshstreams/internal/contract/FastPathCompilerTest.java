package io.meshstreams.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshstreams.contract.Orders;
import io.meshstreams.contract.Rule;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which rules run as plain Java, and which are left to dev.cel's interpreter. */
class FastPathCompilerTest {

    @Test
    void theFiveTypicalRulesAllRunOnTheFastPath() {
        // when
        CompiledRuleSet rules = RuleSetCompiler.compile(Orders.SCHEMA, Orders.FIVE_RULES).rules();

        // then
        assertThat(rules.rules()).allSatisfy(rule -> assertThat(rule.fast).as(rule.rule.name()).isNotNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "message.amount > 0 && message.price <= 99.5 || !(message.quantity in [1, 2, 3])",
        "message.status in ['NEW', 'PAID'] && message.currency != 'XXX'",
        "message.note == null || (size(message.note) > 0 && message.note.contains('x'))",
        "(message.amount % 2 == 0 ? message.amount / 2 : -message.amount) * 3 - 1 >= 0",
        "message.price * 2.0 + 1.0 > message.quantity",
        "message.id.startsWith('o-') && message.id.endsWith(message.customerId) && message.email < message.id",
        "message.email.matches('(?i)example')",
        "has(message.note) ? size(message.note) < 500 : true"})
    void commonSubsetRunsOnTheFastPath(String expression) {
        assertThat(compiled(expression).fast).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "message.createdAt > timestamp('2024-01-01T00:00:00Z')",
        "[1, 2, 3].all(x, x < message.amount)",
        "message.currency in [message.id, 'EUR']",
        "message.email.matches(message.id)",
        "message.id + message.currency == 'o-1001EUR'",
        "int(message.price) > 0",
        "message.amount > 0u",
        "type(message.amount) == int"})
    void everythingElseIsLeftToTheInterpreter(String expression) {
        assertThat(compiled(expression).fast).isNull();
    }

    private static CompiledRule compiled(String expression) {
        RuleSetCompiler.Result result = RuleSetCompiler.compile(Orders.SCHEMA, List.of(Rule.of("r", expression)));
        assertThat(result.problems()).isEmpty();
        return result.rules().rules().get(0);
    }
}
