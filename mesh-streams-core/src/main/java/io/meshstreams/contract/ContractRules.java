package io.meshstreams.contract;

import io.meshstreams.internal.contract.CompiledRuleSet;
import io.meshstreams.internal.contract.RuleSetCompiler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The rules of one output port's contract, compiled against the port's Avro value schema, checking
 * records at produce time.
 *
 * <pre>{@code
 * ContractRules rules = ContractRules.compile(Order.getClassSchema(), List.of(
 *         Rule.of("amount-positive", "message.amount > 0"),
 *         Rule.of("known-currency", "message.currency in ['EUR', 'USD', 'GBP']")));
 * List<Violation> violations = rules.check(order); // empty when the order keeps every promise
 * }</pre>
 *
 * <ol>
 *   <li>Compile once per contract version: compilation parses and type-checks every rule against the
 *       schema and fails with a {@link RuleCompilationException} that lists every problem of every
 *       rule. {@link #validate} returns the same problems as a value, for tools such as CI checks.</li>
 *   <li>{@link #check} is thread-safe: share one instance between all threads that publish to the port.</li>
 *   <li>{@link #check} returns every violation of the record, never throws for a bad record, and
 *       returns the shared empty list, without allocating, for a valid one. A rule that cannot be
 *       evaluated (say {@code size(message.note)} with {@code note} null) is violated: rules fail
 *       closed.</li>
 *   <li>Besides the rules, {@link #check} reports a {@link Violation#SCHEMA} violation for each field
 *       (of the record and of the records nested in it) that is null although its schema does not
 *       allow null, and for a record whose schema is another record type than the port's.</li>
 *   <li>A violation never shows the value of a classified field: it names the rule and the field and
 *       shows the classification in place of the value ({@code email=<PII>}). Classified are the
 *       fields that the schema's field properties ({@code "classification": "PII"}, Confluent's
 *       {@code "confluent:tags"}) or the {@code classifications} given to {@link #compile(Schema, List,
 *       Map)} classify, the fields inside them, and a record, array or map that holds one anywhere
 *       below (then the whole value is withheld). {@code PUBLIC} withholds nothing; a null is shown as
 *       null. When a rule that reads a classified value fails to evaluate, the evaluator's error text is
 *       withheld too (it may quote what the rule computed from the value).</li>
 * </ol>
 *
 * <p>Rules are evaluated by dev.cel (CEL's Java implementation) semantics. The common subset of CEL is
 * compiled to plain Java over the record's fields, which gives the same answers as dev.cel's
 * interpreter (a differential test holds it to that); anything else runs in dev.cel's interpreter over
 * a read-only view of the record.
 */
public final class ContractRules {
    private final CompiledRuleSet compiled;
    private final List<Rule> rules;

    private ContractRules(CompiledRuleSet compiled, List<Rule> rules) {
        this.compiled = compiled;
        this.rules = rules;
    }

    /**
     * Compiles the rules against the value schema.
     *
     * @param valueSchema the port's value schema, an Avro record
     * @param rules       the contract's rules, with unique names
     * @throws RuleCompilationException if any rule does not compile, listing every problem
     * @throws IllegalArgumentException if the schema is not a record schema
     */
    public static ContractRules compile(Schema valueSchema, List<Rule> rules) {
        return compile(valueSchema, rules, Map.of());
    }

    /**
     * Compiles the rules against the value schema, for a port whose fields are classified by {@code classifications}
     * as well as by the schema's own field properties: violations show none of their values.
     *
     * @param valueSchema     the port's value schema, an Avro record
     * @param rules           the contract's rules, with unique names
     * @param classifications field path ({@code email}, {@code address.city}) to classification ({@code PII}), such
     *                        as {@link io.meshstreams.product.OutputPort#classifications()}; a path given here wins
     *                        over the schema's property
     * @throws RuleCompilationException if any rule does not compile, listing every problem
     * @throws IllegalArgumentException if the schema is not a record schema
     */
    public static ContractRules compile(Schema valueSchema, List<Rule> rules, Map<String, String> classifications) {
        Objects.requireNonNull(valueSchema, "valueSchema");
        Objects.requireNonNull(classifications, "classifications");
        List<Rule> copy = List.copyOf(rules);
        RuleSetCompiler.Result result = RuleSetCompiler.compile(valueSchema, copy, Map.copyOf(classifications));
        CompiledRuleSet compiled = result.rules();
        if (compiled == null) {
            throw new RuleCompilationException(valueSchema.getFullName(), result.problems());
        }
        return new ContractRules(compiled, copy);
    }

    /**
     * Every problem of the rules against the value schema, without throwing: empty if they compile.
     *
     * @throws IllegalArgumentException if the schema is not a record schema
     */
    public static List<RuleProblem> validate(Schema valueSchema, List<Rule> rules) {
        Objects.requireNonNull(valueSchema, "valueSchema");
        return RuleSetCompiler.compile(valueSchema, List.copyOf(rules)).problems();
    }

    /**
     * Every violation of the record: schema violations first, then the broken rules in the order of
     * the rules. The empty list if the record keeps every promise.
     */
    public List<Violation> check(IndexedRecord record) {
        return compiled.check(Objects.requireNonNull(record, "record"));
    }

    /** The value schema the rules were compiled against. */
    public Schema valueSchema() {
        return compiled.valueSchema();
    }

    /** The rules, in the order they are checked. */
    public List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return "ContractRules[" + compiled.valueSchema().getFullName() + ", " + rules.size() + " rules]";
    }
}
