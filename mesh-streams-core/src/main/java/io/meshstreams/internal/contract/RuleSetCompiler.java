package io.meshstreams.internal.contract;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSource;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.NullableType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;
import io.meshstreams.contract.Rule;
import io.meshstreams.contract.RuleProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a contract's rules against the port's Avro value schema: parses each rule, checks the
 * fields it reads against the schema, type-checks it with dev.cel against CEL types derived from the
 * schema ({@link AvroCelTypes}), plans it for dev.cel's interpreter and, where it is in the subset,
 * compiles it to the fast path ({@link FastPathCompiler}). Every problem of every rule is collected.
 */
public final class RuleSetCompiler {
    /**
     * The CEL options of both the checker and the interpreter: CEL's current defaults (int overflow is
     * an error, {@code matches} is an unanchored search), comparisons of ints with doubles, so that
     * {@code message.price > 0} type-checks for a double {@code price}, and at most
     * {@value #MAX_COMPREHENSION_ITERATIONS} iterations of comprehensions ({@code all}, {@code exists},
     * {@code map}, ...) per rule and record, so that a huge array cannot stall the publisher: past that
     * the rule fails closed.
     */
    static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(RuleSetCompiler.MAX_COMPREHENSION_ITERATIONS)
            .build();

    static final int MAX_COMPREHENSION_ITERATIONS = 100_000;

    private static final int SHOWN_EXPRESSION_LENGTH = 120;

    private RuleSetCompiler() {
    }

    /** The outcome of a compilation: a rule set, or every problem found. */
    public record Result(@Nullable CompiledRuleSet rules, List<RuleProblem> problems) {
        public boolean ok() {
            return rules != null;
        }
    }

    /**
     * Compiles the rules, with the classifications of the schema's own field properties; the result has the rule set
     * if and only if there is no problem.
     */
    public static Result compile(Schema valueSchema, List<Rule> rules) {
        return compile(valueSchema, rules, Map.of());
    }

    /**
     * Compiles the rules; the result has the rule set if and only if there is no problem. Violations show no value of
     * a field classified by the schema's field properties or by {@code classifications} (path to level).
     */
    public static Result compile(Schema valueSchema, List<Rule> rules, Map<String, String> classifications) {
        FieldClassifications classified = valueSchema.getType() == Schema.Type.RECORD
                ? FieldClassifications.of(valueSchema, classifications) : FieldClassifications.none();
        AvroCelTypes types = AvroCelTypes.of(valueSchema);
        CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(types)
                .addVar("message", types.rootType())
                .build();
        CelRuntime runtime = CelRuntimeFactory.plannerRuntimeBuilder()
                .setOptions(OPTIONS)
                .setTypeProvider(types)
                .build();

        List<RuleProblem> problems = new ArrayList<>();
        problems.addAll(duplicateNames(rules));
        List<CompiledRule> compiled = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            CompiledRule compiledRule = compileRule(rule, i, compiler, runtime, types, classified, problems);
            if (compiledRule != null) {
                compiled.add(compiledRule);
            }
        }
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        return new Result(new CompiledRuleSet(types, compiled), List.of());
    }

    private static @Nullable CompiledRule compileRule(Rule rule, int index, CelCompiler compiler, CelRuntime runtime,
            AvroCelTypes types, FieldClassifications classified, List<RuleProblem> problems) {
        String name = rule.name();
        String expression = rule.expression();
        if (name.isBlank()) {
            problems.add(new RuleProblem(RuleProblem.INVALID_RULE, name, expression, -1,
                    "rule #" + (index + 1) + " (" + shown(expression) + ") has a blank name: give every rule a"
                            + " unique, stable name, such as 'amount-positive'"));
            return null;
        }
        if (expression.isBlank()) {
            problems.add(new RuleProblem(RuleProblem.INVALID_RULE, name, expression, -1,
                    "rule '" + name + "' has a blank expression: write a CEL expression over the record,"
                            + " bound as 'message', that is true when the record keeps the promise,"
                            + " such as 'message.amount > 0'"));
            return null;
        }

        CelValidationResult parsed = compiler.parse(expression);
        if (parsed.hasError()) {
            for (CelIssue issue : parsed.getErrors()) {
                problems.add(problem(RuleProblem.SYNTAX, rule, parsed.getSource(), issue, "syntax error"));
            }
            return null;
        }
        CelAbstractSyntaxTree parsedAst = ast(parsed);
        int before = problems.size();
        for (FieldReferences.Reference reference : FieldReferences.of(parsedAst.getExpr())) {
            String unknown = unknownField(types.rootSchema(), reference.names());
            if (unknown != null) {
                problems.add(new RuleProblem(RuleProblem.UNKNOWN_FIELD, name, expression,
                        position(parsedAst.getSource(), reference.exprId()),
                        "rule '" + name + "' (" + shown(expression) + "): " + unknown));
            }
        }
        boolean unknownFields = problems.size() > before;

        CelValidationResult checked = compiler.check(parsedAst);
        if (checked.hasError()) {
            for (CelIssue issue : checked.getErrors()) {
                if (unknownFields && issue.getMessage().startsWith("undefined field")) {
                    continue; // said better above
                }
                problems.add(problem(RuleProblem.TYPE, rule, checked.getSource(), issue, "type error"));
            }
            return null;
        }
        if (unknownFields) {
            return null;
        }
        CelAbstractSyntaxTree ast = ast(checked);
        CelType resultType = ast.getResultType();
        if (!isBoolOrDyn(resultType)) {
            problems.add(new RuleProblem(RuleProblem.NOT_BOOL, name, expression, -1,
                    "rule '" + name + "' (" + shown(expression) + ") must evaluate to bool (true when the record"
                            + " keeps the promise), but it evaluates to " + resultType.name()));
            return null;
        }
        boolean regexOk = checkRegexes(rule, ast, problems);
        if (!regexOk) {
            return null;
        }
        Program program;
        try {
            program = runtime.createProgram(ast);
        } catch (CelEvaluationException | RuntimeException e) {
            problems.add(new RuleProblem(RuleProblem.TYPE, name, expression, -1,
                    "rule '" + name + "' (" + shown(expression) + ") cannot be planned for evaluation: "
                            + e.getMessage()));
            return null;
        }
        List<String> fields = new ArrayList<>(new LinkedHashSet<>(FieldReferences.of(ast.getExpr()).stream()
                .map(FieldReferences.Reference::dotted).collect(Collectors.toList())));
        FastNode fast = FastPathCompiler.compile(ast, types.rootSchema());
        return new CompiledRule(rule, program, fast, fields, classified);
    }

    private static CelAbstractSyntaxTree ast(CelValidationResult result) {
        try {
            return result.getAst();
        } catch (dev.cel.common.CelValidationException e) {
            throw new IllegalStateException("dev.cel reported no error but has no AST", e);
        }
    }

    private static boolean isBoolOrDyn(CelType type) {
        if (type instanceof NullableType) {
            return ((NullableType) type).targetType().kind() == CelKind.BOOL;
        }
        return type.kind() == CelKind.BOOL || type.kind() == CelKind.DYN;
    }

    private static List<RuleProblem> duplicateNames(List<Rule> rules) {
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            byName.computeIfAbsent(rules.get(i).name(), n -> new ArrayList<>()).add(i + 1);
        }
        List<RuleProblem> problems = new ArrayList<>();
        Set<String> reported = new LinkedHashSet<>();
        for (Rule rule : rules) {
            List<Integer> positions = byName.get(rule.name());
            if (positions.size() > 1 && !rule.name().isBlank() && reported.add(rule.name())) {
                problems.add(new RuleProblem(RuleProblem.DUPLICATE_NAME, rule.name(), rule.expression(), -1,
                        "rule '" + rule.name() + "' is defined " + positions.size() + " times (rules "
                                + positions.stream().map(String::valueOf).collect(Collectors.joining(", "))
                                + "): rule names must be unique within a contract, since violations name"
                                + " the rule"));
            }
        }
        return problems;
    }

    /** Why a chain {@code message.a.b} does not resolve against the schema, or null if it does. */
    static @Nullable String unknownField(Schema root, List<String> names) {
        Schema record = root;
        StringBuilder at = new StringBuilder("message");
        for (String name : names) {
            Schema.Field field = record.getField(name);
            if (field == null) {
                List<String> fieldNames = record.getFields().stream().map(Schema.Field::name).toList();
                String suggestion = closest(name, fieldNames);
                return "record " + record.getFullName() + (names.size() > 1 ? " (" + at + ")" : "")
                        + " has no field '" + name + "'"
                        + (suggestion != null ? "; did you mean '" + suggestion + "'?" : ";")
                        + " its fields are: " + String.join(", ", fieldNames);
            }
            at.append('.').append(name);
            Schema next = field.schema();
            Schema nonNull = AvroCelTypes.nullableBranch(next);
            if (nonNull != null) {
                next = nonNull;
            }
            if (next.getType() != Schema.Type.RECORD) {
                return null; // selection into a map, or a type error that the checker reports
            }
            record = next;
        }
        return null;
    }

    private static @Nullable String closest(String name, List<String> candidates) {
        if (name.length() > 100) {
            return null;
        }
        return candidates.stream()
                .filter(candidate -> distance(name.toLowerCase(java.util.Locale.ROOT),
                        candidate.toLowerCase(java.util.Locale.ROOT)) <= Math.max(1, name.length() / 3))
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)))
                .orElse(null);
    }

    /** Edit distance with adjacent transpositions ("ctiy" is one edit from "city"), for "did you mean". */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Regex literals passed to {@code matches} must compile: better now than on every record. */
    private static boolean checkRegexes(Rule rule, CelAbstractSyntaxTree ast, List<RuleProblem> problems) {
        List<CelExpr> patterns = new ArrayList<>();
        collectRegexLiterals(ast.getExpr(), patterns);
        boolean ok = true;
        for (CelExpr pattern : patterns) {
            String regex = pattern.constant().stringValue();
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                ok = false;
                problems.add(new RuleProblem(RuleProblem.INVALID_REGEX, rule.name(), rule.expression(),
                        position(ast.getSource(), pattern.id()),
                        "rule '" + rule.name() + "' (" + shown(rule.expression()) + "): the pattern '"
                                + shown(regex) + "' of matches() is not a valid RE2 regular expression: "
                                + e.getDescription()));
            }
        }
        return ok;
    }

    private static void collectRegexLiterals(CelExpr expr, List<CelExpr> sink) {
        switch (expr.getKind()) {
            case CALL: {
                CelExpr.CelCall call = expr.call();
                if (call.function().equals("matches")) {
                    List<CelExpr> args = call.args();
                    CelExpr pattern = args.isEmpty() ? null : args.get(args.size() - 1);
                    if (pattern != null && pattern.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                            && pattern.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                        sink.add(pattern);
                    }
                }
                call.target().ifPresent(target -> collectRegexLiterals(target, sink));
                call.args().forEach(arg -> collectRegexLiterals(arg, sink));
                break;
            }
            case SELECT:
                collectRegexLiterals(expr.select().operand(), sink);
                break;
            case LIST:
                expr.list().elements().forEach(e -> collectRegexLiterals(e, sink));
                break;
            case MAP:
                expr.map().entries().forEach(e -> {
                    collectRegexLiterals(e.key(), sink);
                    collectRegexLiterals(e.value(), sink);
                });
                break;
            case STRUCT:
                expr.struct().entries().forEach(e -> collectRegexLiterals(e.value(), sink));
                break;
            case COMPREHENSION:
                collectRegexLiterals(expr.comprehension().iterRange(), sink);
                collectRegexLiterals(expr.comprehension().accuInit(), sink);
                collectRegexLiterals(expr.comprehension().loopCondition(), sink);
                collectRegexLiterals(expr.comprehension().loopStep(), sink);
                collectRegexLiterals(expr.comprehension().result(), sink);
                break;
            default:
                break;
        }
    }

    private static RuleProblem problem(String type, Rule rule, CelSource source, CelIssue issue, String what) {
        int position = source.getLocationOffset(issue.getSourceLocation()).orElse(-1);
        String where = issue.getSourceLocation().getLine() > 1
                ? " at line " + issue.getSourceLocation().getLine() + ", column " + (issue.getSourceLocation().getColumn() + 1)
                : issue.getSourceLocation().getColumn() >= 0 ? " at column " + (issue.getSourceLocation().getColumn() + 1) : "";
        String message = issue.getMessage();
        if (message.startsWith("undeclared reference to '") && !message.startsWith("undeclared reference to 'message'")) {
            message += "; the record is bound as 'message' (write message.<field>), and functions are CEL's"
                    + " standard ones";
        }
        return new RuleProblem(type, rule.name(), rule.expression(), position,
                "rule '" + rule.name() + "' (" + shown(rule.expression()) + "): " + what + where + ": " + message);
    }

    private static int position(CelSource source, long exprId) {
        Integer position = source.getPositionsMap().get(exprId);
        return position == null ? -1 : position;
    }

    /** An expression or pattern as shown in a message: on one line, and cut if long. */
    static String shown(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return ValueText.truncate(oneLine, SHOWN_EXPRESSION_LENGTH);
    }
}
