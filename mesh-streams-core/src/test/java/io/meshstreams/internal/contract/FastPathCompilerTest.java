package io.meshstreams.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Orders;
import io.meshstreams.contract.Rule;
import io.meshstreams.contract.Violation;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
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

    @ParameterizedTest
    @ValueSource(strings = {
        "message.contacts.all(c, c.email.endsWith('@corp.example'))",
        "message.contacts.exists(c, c.score > 4 && has(c.phone))",
        "message.contacts.exists_one(c, c.name == 'Ada')",
        "message.maybeContacts.all(c, c == null || c.score > 0)",
        "message.labels.all(k, message.labels[k].email.endsWith('@corp.example'))",
        "message.labels.exists(k, k.startsWith('own')) && size(message.labels) == 2",
        "message.teams.all(t, t.exists(c, c.name == 'Ada'))",
        "message.teams.all(c, c.all(c, c.score > 0))",
        "message.contacts[1].name == 'Bob' && message.teams[1][0].score == 5",
        "message.labels['billing'].score == 5",
        "has(message.backup) ? message.backup.all(c, c.score > 0) : true"})
    void comprehensionsAndIndexingOverArraysAndMapsOfRecordsRunOnTheFastPath(String expression) {
        assertThat(compiled(RecordCollectionRulesTest.SCHEMA, expression).fast).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "message.contacts.map(c, c.name) == ['Ada', 'Bob']",
        "size(message.contacts.filter(c, c.score > 4)) == 1",
        "message.parties.exists(p, has(p.vat))",
        "[message.primary].all(c, c.score == 3)",
        "message.contacts.all(c, c == message.primary)"})
    void otherComprehensionsAndUnionsOfSeveralRecordsAreLeftToTheInterpreter(String expression) {
        assertThat(compiled(RecordCollectionRulesTest.SCHEMA, expression).fast).isNull();
    }

    /**
     * dev.cel counts one iteration per element it visits, before it looks at the loop condition, and fails past
     * {@value RuleSetCompiler#MAX_COMPREHENSION_ITERATIONS} per evaluation: so an {@code all} that is false at the
     * last allowed element still fails when one more element follows. The fast path answers exactly where dev.cel
     * answers, and hands over where dev.cel fails.
     */
    @ParameterizedTest(name = "{0} contacts, the first failing at {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "100000, -1", "100001, -1", "100000, 99999", "100001, 99999", "100001, 99998", "50000, -1"})
    void iterationLimitIsCountedAsDevCelCountsIt(int size, int failingAt) {
        // given
        Schema schema = RecordCollectionRulesTest.SCHEMA;
        String expression = "message.contacts.all(c, c.score > 0)";
        CompiledRuleSet set = RuleSetCompiler.compile(schema, List.of(Rule.of("r", expression))).rules();
        CompiledRule rule = set.rules().get(0);
        GenericRecord account = RecordCollectionRulesTest.account(schema);
        Schema contact = schema.getField("contacts").schema().getElementType();
        List<GenericRecord> contacts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            contacts.add(RecordCollectionRulesTest.contact(contact, "c" + i, "c" + i + "@corp.example", i == failingAt ? 0 : 1));
        }
        account.put("contacts", contacts);

        // when
        String reference;
        try {
            reference = String.valueOf(set.interpret(rule, account));
        } catch (Exception e) {
            reference = "error";
        }
        String fast;
        try {
            fast = String.valueOf(set.fast(rule, account));
        } catch (Deopt deopt) {
            fast = "error";
        }
        List<Violation> violations = ContractRules.compile(schema, List.of(Rule.of("r", expression))).check(account);

        // then
        // all visits every element, or the first false one and the next
        int visited = failingAt < 0 ? size : Math.min(size, failingAt + 2);
        String expected = visited > RuleSetCompiler.MAX_COMPREHENSION_ITERATIONS ? "error" : String.valueOf(failingAt < 0);
        assertThat(reference).isEqualTo(expected);
        assertThat(fast).isEqualTo(expected);
        assertThat(violations).hasSize(expected.equals("true") ? 0 : 1);
    }

    private static CompiledRule compiled(String expression) {
        return compiled(Orders.SCHEMA, expression);
    }

    private static CompiledRule compiled(Schema schema, String expression) {
        RuleSetCompiler.Result result = RuleSetCompiler.compile(schema, List.of(Rule.of("r", expression)));
        assertThat(result.problems()).isEmpty();
        return result.rules().rules().get(0);
    }
}
