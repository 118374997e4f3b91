package io.meshstreams.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules that do not compile: each problem names the rule and its expression, says what is wrong and where. */
class RuleCompilationTest {

    static Stream<Arguments> badRules() {
        return Stream.of(
                arguments("message.amount >", RuleProblem.SYNTAX, 16,
                        "rule 'r' (message.amount >): syntax error at column 17: mismatched input '<EOF>'"
                        + " expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT,"
                        + " NUM_UINT, STRING, BYTES, IDENTIFIER}"),
                arguments("message.amout > 0", RuleProblem.UNKNOWN_FIELD, 7,
                        "rule 'r' (message.amout > 0): record com.acme.orders.Order has no field 'amout'; did you"
                        + " mean 'amount'? its fields are: id, customerId, email, amount, price, quantity, currency,"
                        + " status, note, createdAt"),
                arguments("N:message.address.ctiy == \"x\"", RuleProblem.UNKNOWN_FIELD, 15,
                        "rule 'r' (message.address.ctiy == \"x\"): record com.acme.orders.Address"
                        + " (message.address) has no field 'ctiy'; did you mean 'city'? its fields are: street,"
                        + " city, zip"),
                arguments("message.currency > 1", RuleProblem.TYPE, 17,
                        "rule 'r' (message.currency > 1): type error at column 18: found no matching overload for"
                        + " '_>_' applied to '(string, int)' (candidates: (bool, bool),(int, int),(uint,"
                        + " uint),(double, double),(string, string),(bytes, bytes),(google.protobuf.Timestamp,"
                        + " google.protobuf.Timestamp),(google.protobuf.Duration, google.protobuf.Duration),(int,"
                        + " uint),(uint, int),(int, double),(double, int),(uint, double),(double, uint))"),
                arguments("message.amount + 1", RuleProblem.NOT_BOOL, -1,
                        "rule 'r' (message.amount + 1) must evaluate to bool (true when the record keeps the"
                        + " promise), but it evaluates to int"),
                arguments("foo(message.amount)", RuleProblem.TYPE, 3,
                        "rule 'r' (foo(message.amount)): type error at column 4: undeclared reference to 'foo' (in"
                        + " container ''); the record is bound as 'message' (write message.<field>), and functions"
                        + " are CEL's standard ones"),
                arguments("msg.amount > 0", RuleProblem.TYPE, 0,
                        "rule 'r' (msg.amount > 0): type error at column 1: undeclared reference to 'msg' (in"
                        + " container ''); the record is bound as 'message' (write message.<field>), and functions"
                        + " are CEL's standard ones"),
                arguments("message.email.matches('[a-')", RuleProblem.INVALID_REGEX, 22,
                        "rule 'r' (message.email.matches('[a-')): the pattern '[a-' of matches() is not a valid"
                        + " RE2 regular expression: missing closing ]"),
                arguments("message.amount.size() > 0", RuleProblem.TYPE, 19,
                        "rule 'r' (message.amount.size() > 0): type error at column 20: found no matching overload"
                        + " for 'size' applied to 'int.()' (candidates: string.(),bytes.(),list(%A0).(),map(%A1,"
                        + " %B2).())"),
                arguments("message.currency == 'EUR' ? 1 : 0", RuleProblem.NOT_BOOL, -1,
                        "rule 'r' (message.currency == 'EUR' ? 1 : 0) must evaluate to bool (true when the record"
                        + " keeps the promise), but it evaluates to int"),
                arguments("message.amount > 0 )", RuleProblem.SYNTAX, 19,
                        "rule 'r' (message.amount > 0 )): syntax error at column 20: extraneous input ')'"
                        + " expecting <EOF>"),
                arguments("message.createdAt > 5", RuleProblem.TYPE, 18,
                        "rule 'r' (message.createdAt > 5): type error at column 19: found no matching overload for"
                        + " '_>_' applied to '(google.protobuf.Timestamp, int)' (candidates: (bool, bool),(int,"
                        + " int),(uint, uint),(double, double),(string, string),(bytes,"
                        + " bytes),(google.protobuf.Timestamp, google.protobuf.Timestamp),(google.protobuf.Duration,"
                        + " google.protobuf.Duration),(int, uint),(uint, int),(int, double),(double, int),(uint,"
                        + " double),(double, uint))"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRules")
    void badRuleIsOneProblemWithTypePositionAndMessage(String expression, String type, int position, String message) {
        // given
        boolean nested = expression.startsWith("N:");
        Schema schema = nested ? Orders.NESTED_SCHEMA : Orders.SCHEMA;
        String cel = nested ? expression.substring(2) : expression;

        // when
        List<RuleProblem> problems = ContractRules.validate(schema, List.of(Rule.of("r", cel)));

        // then
        assertThat(problems).containsExactly(new RuleProblem(type, "r", cel, position, message));
    }

    @Test
    void everyProblemOfEveryRuleIsReportedAtOnce() {
        // given
        List<Rule> rules = List.of(
                Rule.of("amount-positive", "message.amout > 0 && message.currency > 1"),
                Rule.of("known-currency", "message.currency in ['EUR', 'USD']"),
                Rule.of("email-shape", "message.email.matches("),
                Rule.of("known-currency", "true"));

        // when / then
        assertThatThrownBy(() -> ContractRules.compile(Orders.SCHEMA, rules))
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> {
                    assertThat(e.problems()).extracting(RuleProblem::type, RuleProblem::rule).containsExactly(
                            org.assertj.core.groups.Tuple.tuple(RuleProblem.DUPLICATE_NAME, "known-currency"),
                            org.assertj.core.groups.Tuple.tuple(RuleProblem.UNKNOWN_FIELD, "amount-positive"),
                            org.assertj.core.groups.Tuple.tuple(RuleProblem.TYPE, "amount-positive"),
                            org.assertj.core.groups.Tuple.tuple(RuleProblem.SYNTAX, "email-shape"));
                    assertThat(e.getMessage()).startsWith("4 problems in 3 rules of the contract for"
                            + " com.acme.orders.Order:\n"
                            + "  - rule 'known-currency' is defined 2 times (rules 2, 4): rule names must be unique"
                            + " within a contract, since violations name the rule\n"
                            + "  - rule 'amount-positive' (message.amout > 0 && message.currency > 1): record"
                            + " com.acme.orders.Order has no field 'amout'; did you mean 'amount'?");
                });
    }

    @Test
    void blankNamesAndExpressionsAreProblems() {
        // when
        List<RuleProblem> problems = ContractRules.validate(Orders.SCHEMA,
                List.of(Rule.of(" ", "message.amount > 0"), Rule.of("empty", "")));

        // then
        assertThat(problems).containsExactly(
                new RuleProblem(RuleProblem.INVALID_RULE, " ", "message.amount > 0", -1, "rule #1 (message.amount > 0)"
                        + " has a blank name: give every rule a unique, stable name, such as 'amount-positive'"),
                new RuleProblem(RuleProblem.INVALID_RULE, "empty", "", -1, "rule 'empty' has a blank expression:"
                        + " write a CEL expression over the record, bound as 'message', that is true when the record"
                        + " keeps the promise, such as 'message.amount > 0'"));
    }

    @Test
    void hugeExpressionIsASyntaxProblemNotACrash() {
        // given
        String huge = "message.amount > 0 && " + "true && ".repeat(20_000) + "true";

        // when
        List<RuleProblem> problems = ContractRules.validate(Orders.SCHEMA, List.of(Rule.of("huge", huge)));

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.type()).isEqualTo(RuleProblem.SYNTAX);
            assertThat(problem.message()).isEqualTo("rule 'huge' (message.amount > 0 && " + "true && ".repeat(12)
                    + "tr... (160026 chars)): syntax error: expression code point size exceeds limit: size: 160026,"
                    + " limit 100000");
        });
    }

    @Test
    void deeplyNestedExpressionIsASyntaxProblemNotAStackOverflow() {
        // given
        String deep = "(".repeat(300) + "message.amount > 0" + ")".repeat(300);
        String chain = "message.amount" + " + 1".repeat(3_000) + " > 0";

        // when
        List<RuleProblem> problems = ContractRules.validate(Orders.SCHEMA,
                List.of(Rule.of("deep", deep), Rule.of("chain", chain)));

        // then
        assertThat(problems).extracting(RuleProblem::type, RuleProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RuleProblem.SYNTAX, "rule 'deep' (" + "(".repeat(120)
                        + "... (618 chars)): syntax error at column 1: Expression recursion limit exceeded. limit: 250"),
                org.assertj.core.groups.Tuple.tuple(RuleProblem.SYNTAX, "rule 'chain' (message.amount"
                        + " + 1".repeat(26) + " +... (12018 chars)): syntax error at column 1: Expression recursion limit"
                        + " exceeded. limit: 250"));
    }

    @Test
    void longButShallowExpressionCompilesAndChecks() {
        // given: CEL balances long && chains, so a thousand conditions nest only ten deep
        List<String> conditions = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            conditions.add("message.amount > " + i);
        }
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, List.of(Rule.of("many", String.join(" && ", conditions))));

        // when / then
        assertThat(rules.check(Orders.order())).isEmpty();
        var order = Orders.order();
        order.put("amount", 500L);
        assertThat(rules.check(order)).singleElement().extracting(Violation::field).isEqualTo("amount");
    }

    @Test
    void goodRulesHaveNoProblem() {
        assertThat(ContractRules.validate(Orders.SCHEMA, Orders.FIVE_RULES)).isEmpty();
    }
}
