package io.meshstreams.internal.contract;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;
import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Orders;
import io.meshstreams.contract.Rule;
import io.meshstreams.contract.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Records checked per second on one thread: the five-rule contract of {@link Orders#FIVE_RULES} on the
 * ten-field order, through {@link ContractRules} (fast path), through dev.cel's interpreter over a
 * view of the record (the fallback), and through dev.cel's interpreter over a map copy of the record
 * (the baseline of DESIGN.md); one trivial rule; and Avro serialization for scale.
 *
 * <p>Not a unit test (Surefire runs {@code *Test} only). From the repository root:
 * <pre>
 * mvn -B -q -pl mesh-streams-core test-compile
 * mvn -B -q -pl mesh-streams-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
 * java -cp mesh-streams-core/target/test-classes:mesh-streams-core/target/classes:$(cat mesh-streams-core/target/bench.cp) \
 *     io.meshstreams.internal.contract.ContractRulesBenchmark [JMH arguments, e.g. 'fiveRules$' -prof gc]
 * </pre>
 * On a shared two-core machine, run it a few times and report ranges.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
@Threads(1)
public class ContractRulesBenchmark {
    private static final int RECORDS = 1024;

    private ContractRules fiveRules;
    private ContractRules oneRule;
    private CompiledRuleSet fiveRulesInternal;
    private List<CompiledRule> compiledFive;
    private GenericRecord[] built;
    private GenericRecord[] decoded;
    private Program[] baselinePrograms;
    private GenericDatumWriter<IndexedRecord> writer;
    private ByteArrayOutputStream out;
    private BinaryEncoder encoder;
    private int next;
    private ContractRules contactsRule;
    private CompiledRuleSet contactsRuleInternal;
    private GenericRecord account;

    @Setup
    public void setUp() throws Exception {
        fiveRules = ContractRules.compile(Orders.SCHEMA, Orders.FIVE_RULES);
        oneRule = ContractRules.compile(Orders.SCHEMA, List.of(Rule.of("amount-positive", "message.amount > 0")));
        fiveRulesInternal = RuleSetCompiler.compile(Orders.SCHEMA, Orders.FIVE_RULES).rules();
        compiledFive = fiveRulesInternal.rules();
        built = new GenericRecord[RECORDS];
        decoded = new GenericRecord[RECORDS];
        String[] currencies = {"EUR", "USD", "GBP"};
        for (int i = 0; i < RECORDS; i++) {
            GenericRecord order = Orders.order();
            order.put("id", "o-" + i);
            order.put("customerId", "customer-" + (i * 7919 % 1000));
            order.put("email", "user" + i + "@example.com");
            order.put("amount", 100L + i);
            order.put("price", 1.5 * i + 0.5);
            order.put("quantity", 1 + i % 5);
            order.put("currency", currencies[i % 3]);
            order.put("note", i % 4 == 0 ? "leave at the door, ring twice" : null);
            built[i] = order;
            decoded[i] = roundTrip(order);
        }
        baselinePrograms = baselinePrograms(Orders.FIVE_RULES);
        List<Rule> contacts = List.of(Rule.of("corp-contacts", "message.contacts.all(c, c.email.endsWith('@corp.example'))"));
        contactsRule = ContractRules.compile(RecordCollectionRulesTest.SCHEMA, contacts);
        contactsRuleInternal = RuleSetCompiler.compile(RecordCollectionRulesTest.SCHEMA, contacts).rules();
        account = RecordCollectionRulesTest.account(RecordCollectionRulesTest.SCHEMA);
        requireValid(contactsRule.check(account));
        writer = new GenericDatumWriter<>(Orders.SCHEMA);
        out = new ByteArrayOutputStream(256);
        encoder = EncoderFactory.get().binaryEncoder(out, null);
        for (GenericRecord record : built) {
            requireValid(fiveRules.check(record));
            requireValid(fiveRules.check(record));
            if (!baselineValid(record)) {
                throw new IllegalStateException("baseline disagrees on " + record);
            }
        }
        for (GenericRecord record : decoded) {
            requireValid(fiveRules.check(record));
            if (!(record.get("email") instanceof Utf8)) {
                throw new IllegalStateException("decoded strings should be Utf8");
            }
        }
    }

    private static void requireValid(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw new IllegalStateException("benchmark records must be valid: " + violations);
        }
    }

    private static GenericRecord roundTrip(GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    /** DESIGN.md's baseline: dev.cel's (legacy, default) interpreter, {@code message} a map(string, dyn). */
    private static Program[] baselinePrograms(List<Rule> rules) throws Exception {
        CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("message", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .build();
        CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
        Program[] programs = new Program[rules.size()];
        for (int i = 0; i < programs.length; i++) {
            CelAbstractSyntaxTree ast = compiler.compile(rules.get(i).expression()).getAst();
            programs[i] = runtime.createProgram(ast);
        }
        return programs;
    }

    /** The record copied into a map of CEL values, as a straightforward integration would do it. */
    private static Map<String, Object> toMap(IndexedRecord record) {
        Schema schema = record.getSchema();
        Map<String, Object> map = new HashMap<>();
        for (Schema.Field field : schema.getFields()) {
            Object value = record.get(field.pos());
            if (value == null) {
                continue; // absent, so has() is false
            }
            if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
                value = value.toString();
            } else if (value instanceof Integer) {
                value = ((Integer) value).longValue();
            } else if (value instanceof Float) {
                value = ((Float) value).doubleValue();
            }
            map.put(field.name(), value);
        }
        return map;
    }

    private boolean baselineValid(IndexedRecord record) throws CelEvaluationException {
        Map<String, Object> activation = Map.of("message", toMap(record));
        boolean valid = true;
        for (Program program : baselinePrograms) {
            valid &= Boolean.TRUE.equals(program.eval(activation));
        }
        return valid;
    }

    private GenericRecord nextBuilt() {
        GenericRecord record = built[next];
        next = (next + 1) & (RECORDS - 1);
        return record;
    }

    private GenericRecord nextDecoded() {
        GenericRecord record = decoded[next];
        next = (next + 1) & (RECORDS - 1);
        return record;
    }

    /** (a) Five rules, fast path, records built by a producer (java.lang.String values). */
    @Benchmark
    public List<Violation> fiveRules() {
        return fiveRules.check(nextBuilt());
    }

    /** (a') Five rules, fast path, records decoded from Avro binary (Utf8 values). */
    @Benchmark
    public List<Violation> fiveRulesDecodedUtf8() {
        return fiveRules.check(nextDecoded());
    }

    /** (b) The baseline: dev.cel's interpreter over a map copy of the record. */
    @Benchmark
    public boolean fiveRulesBaselineMapCopy() throws CelEvaluationException {
        return baselineValid(nextBuilt());
    }

    /** (b') dev.cel's planner interpreter over the read-only record view: the fallback for any rule. */
    @Benchmark
    public boolean fiveRulesInterpreterView() throws CelEvaluationException {
        GenericRecord record = nextBuilt();
        boolean valid = true;
        for (CompiledRule rule : compiledFive) {
            valid &= Boolean.TRUE.equals(fiveRulesInternal.interpret(rule, record));
        }
        return valid;
    }

    /** (c) One trivial rule, fast path. */
    @Benchmark
    public List<Violation> oneTrivialRule() {
        return oneRule.check(nextBuilt());
    }

    /** (d) A rule over an array of two records, {@code all(c, c.email.endsWith(...))}: fast path. */
    @Benchmark
    public List<Violation> allOverArrayOfRecords() {
        return contactsRule.check(account);
    }

    /** (d') The same rule by dev.cel's interpreter over the record view. */
    @Benchmark
    public Object allOverArrayOfRecordsInterpreter() throws CelEvaluationException {
        return contactsRuleInternal.interpret(contactsRuleInternal.rules().get(0), account);
    }

    /** For scale: Avro binary serialization of the same record, without the rules. */
    @Benchmark
    public int serializeOnly() throws IOException {
        out.reset();
        writer.write(nextBuilt(), encoder);
        encoder.flush();
        return out.size();
    }

    /** The publisher's path: check the five rules, then serialize. */
    @Benchmark
    public int checkAndSerialize() throws IOException {
        GenericRecord record = nextBuilt();
        if (!fiveRules.check(record).isEmpty()) {
            return -1;
        }
        out.reset();
        writer.write(record, encoder);
        encoder.flush();
        return out.size();
    }

    public static void main(String[] args) throws RunnerException, Exception {
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        new Runner(new OptionsBuilder().include(ContractRulesBenchmark.class.getSimpleName()).build()).run();
    }
}
