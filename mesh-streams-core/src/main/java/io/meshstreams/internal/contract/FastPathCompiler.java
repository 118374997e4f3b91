package io.meshstreams.internal.contract;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import io.meshstreams.internal.contract.FastNode.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Compiles the common subset of CEL straight into {@link FastNode}s, from the type-checked AST.
 *
 * <p>The subset: field selection on {@code message} (through nested records) of int, long, float,
 * double, boolean, string and enum fields, nullable or not (no logical types); literals of those
 * types and {@code null}; {@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=};
 * {@code &&}, {@code ||}, {@code !}, {@code ? :}; int and double {@code + - * / %} and negation;
 * {@code in} over a list of literals; {@code size} of strings, arrays and maps; {@code has};
 * {@code startsWith}, {@code endsWith}, {@code contains}; {@code matches} with a literal pattern;
 * {@code all}, {@code exists} and {@code exists_one} over arrays (their elements) and maps (their keys),
 * nested, their variables selected like {@code message} ({@code c.email}); {@code list[i]} and
 * {@code map[key]}, selected from when they hold records ({@code message.contacts[0].email}). Any other
 * expression ({@code map}, {@code filter}, list literals as ranges, a union of several records) returns null
 * here and is left to dev.cel's interpreter, whole.
 *
 * <p>dev.cel 0.14's semantics that the fast path reproduces (and {@code FastPathDifferentialTest} holds
 * it to):
 * <ul>
 *   <li>Any evaluation error hands the rule to the interpreter ({@link Deopt}), which gives the error
 *       and its text: int64 overflow of {@code + - * -x} and of {@code MIN / -1}, division or modulo by
 *       zero, a null operand of anything but {@code ==}, {@code !=} and {@code has}, selection through
 *       a null record. {@code false && error} is false and {@code true || error} true, as in CEL.</li>
 *   <li>{@code MIN % -1} is 0. Double arithmetic is IEEE: division by zero gives an infinity.</li>
 *   <li>Double against double ordering uses Java's operators: NaN is unordered, {@code -0.0 == 0.0}.
 *       Double against int ordering uses {@link Double#compare}, as dev.cel does: NaN is greater than
 *       every int (so {@code message.price > 0} holds for a NaN price, while
 *       {@code message.price > 0.0} does not) and -0.0 is less than 0.</li>
 *   <li>dev.cel's {@code ==} first compares references, so a NaN read twice from the same field
 *       equals itself: NaN equality is handed to the interpreter.</li>
 *   <li>{@code size} of a string counts code points; strings order by UTF-16 code units
 *       ({@link String#compareTo}); an enum is its symbol; null equals only null.</li>
 *   <li>{@code matches} is an unanchored RE2 search: {@code $} matches only at the end of the text,
 *       {@code .} matches anything but {@code \n}, and {@code [^x]} matches {@code \n}.</li>
 *   <li>{@code has(message.f)} is true when the field is not null (an empty string or array is
 *       present).</li>
 *   <li>Strings are read as the record holds them ({@code Utf8} or {@code String}); well-formed UTF-8
 *       is compared, measured and searched as bytes, malformed UTF-8 as Java decodes it
 *       ({@code Utf8.toString()}), which is what dev.cel sees.</li>
 *   <li>Comprehensions fold as dev.cel folds them: every element visited counts one iteration against
 *       {@link RuleSetCompiler#MAX_COMPREHENSION_ITERATIONS} per evaluation of the rule (nested and sibling
 *       comprehensions share the count), counted before the loop condition, so {@code all} visits the element
 *       after its first false one and {@code exists} the one after its first true one; past the limit, and on
 *       any error of an element, the interpreter answers. A null element, or a record of another layout, is
 *       handed over where it is selected from.</li>
 *   <li>dev.cel sees a map's keys as strings: a map with two keys that are the same string (a {@code Utf8}
 *       and a {@code String}, two malformed {@code Utf8}s) is one entry there, so such maps are handed over.
 *       A missing key and an index out of range are CEL errors.</li>
 *   <li>A rule with comprehensions evaluates over a {@link FastNode.Frame} that holds the record and the
 *       iteration variables; a rule without compiles to the same nodes as before, which read the record.</li>
 * </ul>
 */
final class FastPathCompiler {
    private final Schema rootSchema;
    /** True for a rule with comprehensions: its nodes get a {@link FastNode.Frame} in place of the record. */
    private final boolean framed;
    /** The iteration variables in scope, innermost first. */
    private final Deque<Scope> scopes = new ArrayDeque<>();
    private int depth;

    private FastPathCompiler(Schema rootSchema, boolean framed) {
        this.rootSchema = rootSchema;
        this.framed = framed;
    }

    /** An iteration variable: its name, its slot in the frame, the Avro schema of its values. */
    private record Scope(String name, int slot, Schema schema) {
    }

    /** The rule compiled to a bool node, or null if it uses anything outside the subset. */
    static @Nullable FastNode compile(CelAbstractSyntaxTree checkedAst, Schema rootSchema) {
        try {
            boolean framed = hasComprehension(checkedAst.getExpr());
            FastPathCompiler compiler = new FastPathCompiler(rootSchema, framed);
            FastNode node = compiler.node(checkedAst.getExpr());
            if (node.kind != Kind.BOOL) {
                return null;
            }
            return framed ? new FastNode.InFrame(node.nonNull(), compiler.depth) : node.nonNull();
        } catch (Unsupported unsupported) {
            return null;
        }
    }

    private static boolean hasComprehension(CelExpr expr) {
        switch (expr.getKind()) {
            case COMPREHENSION:
                return true;
            case SELECT:
                return hasComprehension(expr.select().operand());
            case CALL:
                if (expr.call().target().isPresent() && hasComprehension(expr.call().target().get())) {
                    return true;
                }
                return expr.call().args().stream().anyMatch(FastPathCompiler::hasComprehension);
            case LIST:
                return expr.list().elements().stream().anyMatch(FastPathCompiler::hasComprehension);
            default:
                return false;
        }
    }

    /** Unwinds the compilation when the expression leaves the subset. */
    private static final class Unsupported extends RuntimeException {
        static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super("outside the fast path's subset", null, false, false);
        }
    }

    private static Unsupported unsupported() {
        return Unsupported.INSTANCE;
    }

    private FastNode node(CelExpr expr) {
        switch (expr.getKind()) {
            case CONSTANT:
                return constant(expr.constant());
            case SELECT:
                return select(expr);
            case CALL:
                return call(expr.call());
            case IDENT:
                return ident(expr.ident().name());
            case COMPREHENSION:
                return comprehension(expr.comprehension());
            default:
                throw unsupported();
        }
    }

    private static FastNode constant(CelConstant constant) {
        switch (constant.getKind()) {
            case BOOLEAN_VALUE:
                return new FastNode.BoolConst(constant.booleanValue());
            case INT64_VALUE:
                return new FastNode.IntConst(constant.int64Value());
            case DOUBLE_VALUE:
                return new FastNode.DoubleConst(constant.doubleValue());
            case STRING_VALUE:
                return new FastNode.StringConst(constant.stringValue());
            case NULL_VALUE:
                return new FastNode.NullConst();
            default:
                throw unsupported();
        }
    }

    /** A field of the record, at the end of a chain {@code message.a.b}. */
    private record Field(FastNode.FieldPath path, Schema schema, boolean nullable) {
    }

    /**
     * A chain of selections {@code x.a.b}, from {@code message} (whose schema the caller checked), from an iteration
     * variable, or from an indexed element ({@code message.contacts[0].email}); the record that a chain starts from
     * is checked here unless it is {@code message}.
     */
    private Field field(CelExpr select) {
        List<String> names = new ArrayList<>();
        CelExpr current = select;
        while (current.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            names.add(0, current.select().field());
            current = current.select().operand();
        }
        FastNode base = null;
        Schema record;
        Scope scope = current.getKind() == CelExpr.ExprKind.Kind.IDENT ? scope(current.ident().name()) : null;
        if (scope != null) {
            base = new FastNode.Var(scope.slot());
            record = recordOf(nonNullOf(scope.schema()));
        } else if (current.getKind() == CelExpr.ExprKind.Kind.IDENT && current.ident().name().equals("message")) {
            base = framed ? new FastNode.FrameRoot() : null;
            record = rootSchema;
        } else if (current.getKind() == CelExpr.ExprKind.Kind.CALL) {
            FastNode element = node(current);
            if (!(element instanceof FastNode.RawField) || element.kind != Kind.RECORD) {
                throw unsupported();
            }
            base = element;
            record = ((FastNode.RawField) element).schema;
        } else {
            throw unsupported();
        }
        boolean checkFirst = scope != null || (base != null && !(base instanceof FastNode.FrameRoot));
        int[] positions = new int[names.size()];
        SchemaMatcher[] records = new SchemaMatcher[names.size()];
        if (checkFirst) {
            records[0] = new SchemaMatcher(record);
        }
        Schema fieldSchema = null;
        boolean nullable = false;
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                record = recordOf(fieldSchema);
                records[i] = new SchemaMatcher(record);
            }
            Schema.Field field = record.getField(names.get(i));
            if (field == null) {
                throw unsupported(); // the checker would have refused it
            }
            positions[i] = field.pos();
            fieldSchema = field.schema();
            Schema nonNull = AvroCelTypes.nullableBranch(fieldSchema);
            nullable = nonNull != null;
            if (nonNull != null) {
                fieldSchema = nonNull;
            }
        }
        String dotted = String.join(".", names);
        FastNode.FieldPath path = new FastNode.FieldPath(base, positions, records, dotted);
        return new Field(path, fieldSchema, nullable);
    }

    private @Nullable Scope scope(String name) {
        for (Scope scope : scopes) {
            if (scope.name().equals(name)) {
                return scope;
            }
        }
        return null;
    }

    private static Schema nonNullOf(Schema schema) {
        Schema nonNull = AvroCelTypes.nullableBranch(schema);
        return nonNull != null ? nonNull : schema;
    }

    /** An iteration variable as a value: an element of an array, a key of a map. */
    private FastNode ident(String name) {
        Scope scope = scope(name);
        if (scope == null) {
            throw unsupported(); // message itself, or a name dev.cel resolves otherwise
        }
        return typed(new FastNode.FieldPath(new FastNode.Var(scope.slot()), new int[0], new SchemaMatcher[0], name),
                scope.schema());
    }

    /** The node that reads a value of an Avro schema (a nullable union: its branch, nullable) through a path. */
    private static FastNode typed(FastNode.FieldPath path, Schema schema) {
        Schema nonNull = AvroCelTypes.nullableBranch(schema);
        return typed(path, nonNull != null ? nonNull : schema, nonNull != null);
    }

    private static FastNode typed(FastNode.FieldPath path, Schema schema, boolean nullable) {
        if (schema.getLogicalType() != null) {
            throw unsupported(); // timestamps, decimals and dates are converted: the interpreter does that
        }
        switch (schema.getType()) {
            case INT:
            case LONG:
                return new FastNode.IntField(path, nullable);
            case FLOAT:
            case DOUBLE:
                return new FastNode.DoubleField(path, nullable);
            case BOOLEAN:
                return new FastNode.BoolField(path, nullable);
            case STRING:
                return new FastNode.StringField(path, nullable);
            case ENUM:
                return new FastNode.EnumField(path, nullable);
            case ARRAY:
                return new FastNode.RawField(path, Kind.LIST, nullable, schema);
            case MAP:
                return new FastNode.RawField(path, Kind.MAP, nullable, schema);
            case RECORD:
                return new FastNode.RawField(path, Kind.RECORD, nullable, schema);
            default:
                throw unsupported();
        }
    }

    /** {@code all}, {@code exists} and {@code exists_one} over an array or a map, recognized by their expansion. */
    private FastNode comprehension(CelExpr.CelComprehension comprehension) {
        int op = quantifier(comprehension);
        if (op < 0) {
            throw unsupported(); // map, filter, or another fold
        }
        CelExpr predicate = predicate(comprehension, op);
        FastNode range = node(comprehension.iterRange());
        if (!(range instanceof FastNode.RawField)) {
            throw unsupported();
        }
        Schema rangeSchema = ((FastNode.RawField) range).schema;
        Schema element;
        if (range.kind == Kind.LIST) {
            element = rangeSchema.getElementType();
        } else if (range.kind == Kind.MAP) {
            element = Schema.create(Schema.Type.STRING); // the keys
        } else {
            throw unsupported();
        }
        int slot = scopes.size();
        scopes.push(new Scope(comprehension.iterVar(), slot, element));
        depth = Math.max(depth, slot + 1);
        FastNode body;
        try {
            body = node(predicate);
        } finally {
            scopes.pop();
        }
        if (body.kind != Kind.BOOL) {
            throw unsupported();
        }
        return new FastNode.Quantifier(range, slot, body.nonNull(), op, RuleSetCompiler.MAX_COMPREHENSION_ITERATIONS);
    }

    /**
     * Which macro a comprehension is the expansion of: {@link FastNode#ALL}, {@link FastNode#EXISTS},
     * {@link FastNode#EXISTS_ONE}, or -1 for any other fold ({@code map}, {@code filter}, two variables).
     */
    static int quantifier(CelExpr.CelComprehension comprehension) {
        if (!comprehension.iterVar2().isEmpty()) {
            return -1;
        }
        String accumulator = comprehension.accuVar();
        CelExpr init = comprehension.accuInit();
        CelExpr condition = comprehension.loopCondition();
        CelExpr step = comprehension.loopStep();
        CelExpr result = comprehension.result();
        if (isConstant(init, CelConstant.Kind.BOOLEAN_VALUE) && init.constant().booleanValue()
                && isCall(condition, "@not_strictly_false", 1) && isIdent(condition.call().args().get(0), accumulator)
                && isCall(step, "_&&_", 2) && isIdent(step.call().args().get(0), accumulator)
                && isIdent(result, accumulator)) {
            return FastNode.ALL;
        }
        if (isConstant(init, CelConstant.Kind.BOOLEAN_VALUE) && !init.constant().booleanValue()
                && isCall(condition, "@not_strictly_false", 1) && isCall(condition.call().args().get(0), "!_", 1)
                && isIdent(condition.call().args().get(0).call().args().get(0), accumulator)
                && isCall(step, "_||_", 2) && isIdent(step.call().args().get(0), accumulator)
                && isIdent(result, accumulator)) {
            return FastNode.EXISTS;
        }
        if (isConstant(init, CelConstant.Kind.INT64_VALUE) && init.constant().int64Value() == 0
                && isConstant(condition, CelConstant.Kind.BOOLEAN_VALUE) && condition.constant().booleanValue()
                && isCall(step, "_?_:_", 3) && isIncrement(step.call().args().get(1), accumulator)
                && isIdent(step.call().args().get(2), accumulator)
                && isCall(result, "_==_", 2) && isIdent(result.call().args().get(0), accumulator)
                && isConstant(result.call().args().get(1), CelConstant.Kind.INT64_VALUE)
                && result.call().args().get(1).constant().int64Value() == 1) {
            return FastNode.EXISTS_ONE;
        }
        return -1;
    }

    /** The predicate of a comprehension that {@link #quantifier} recognized as {@code op}. */
    static CelExpr predicate(CelExpr.CelComprehension comprehension, int op) {
        return op == FastNode.EXISTS_ONE ? comprehension.loopStep().call().args().get(0)
                : comprehension.loopStep().call().args().get(1);
    }

    private static boolean isConstant(CelExpr expr, CelConstant.Kind kind) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == kind;
    }

    private static boolean isIdent(CelExpr expr, String name) {
        return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(name);
    }

    private static boolean isCall(CelExpr expr, String function, int arity) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().target().isEmpty()
                && expr.call().function().equals(function) && expr.call().args().size() == arity;
    }

    /** {@code accumulator + 1}. */
    private static boolean isIncrement(CelExpr expr, String accumulator) {
        return isCall(expr, "_+_", 2) && isIdent(expr.call().args().get(0), accumulator)
                && isConstant(expr.call().args().get(1), CelConstant.Kind.INT64_VALUE)
                && expr.call().args().get(1).constant().int64Value() == 1;
    }

    /** {@code list[i]} and {@code map[key]}: the element or value, as the collection holds it. */
    private FastNode index(List<CelExpr> args) {
        FastNode collection = operand(args, 0, 2);
        if (!(collection instanceof FastNode.RawField)) {
            throw unsupported();
        }
        Schema schema = ((FastNode.RawField) collection).schema;
        FastNode key = node(args.get(1)).nonNull();
        FastNode found;
        Schema value;
        if (collection.kind == Kind.LIST && key.kind == Kind.INT) {
            found = new FastNode.ListIndex(collection, key);
            value = schema.getElementType();
        } else if (collection.kind == Kind.MAP && key.kind == Kind.STRING) {
            found = new FastNode.MapIndex(collection, key);
            value = schema.getValueType();
        } else {
            throw unsupported();
        }
        return typed(new FastNode.FieldPath(found, new int[0], new SchemaMatcher[0], ""), value);
    }

    private static Schema recordOf(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw unsupported();
        }
        return schema;
    }

    private FastNode select(CelExpr expr) {
        Field field = field(expr);
        if (expr.select().testOnly()) {
            return new FastNode.Has(field.path());
        }
        return typed(field.path(), field.schema(), field.nullable());
    }

    private FastNode call(CelExpr.CelCall call) {
        String function = call.function();
        List<CelExpr> args = call.args();
        if (call.target().isPresent()) {
            List<CelExpr> all = new ArrayList<>();
            all.add(call.target().get());
            all.addAll(args);
            return member(function, all);
        }
        switch (function) {
            case "_&&_":
                return new FastNode.And(boolOperand(args, 0), boolOperand(args, 1));
            case "_||_":
                return new FastNode.Or(boolOperand(args, 0), boolOperand(args, 1));
            case "!_":
                return new FastNode.Not(boolOperand(args, 0));
            case "_?_:_":
                return ternary(args);
            case "_==_":
                return equality(args, false);
            case "_!=_":
                return equality(args, true);
            case "_<_":
                return ordering(args, FastNode.LT);
            case "_<=_":
                return ordering(args, FastNode.LE);
            case "_>_":
                return ordering(args, FastNode.GT);
            case "_>=_":
                return ordering(args, FastNode.GE);
            case "_+_":
                return arithmetic(args, FastNode.ADD);
            case "_-_":
                return arithmetic(args, FastNode.SUB);
            case "_*_":
                return arithmetic(args, FastNode.MUL);
            case "_/_":
                return arithmetic(args, FastNode.DIV);
            case "_%_":
                return arithmetic(args, FastNode.MOD);
            case "-_":
                return negate(args);
            case "_[_]":
                return index(args);
            case "@in":
                return in(args);
            case "size":
            case "matches":
            case "startsWith":
            case "endsWith":
            case "contains":
                return member(function, args);
            default:
                throw unsupported();
        }
    }

    /** {@code x.f(y)} or {@code f(x, y)}: the first argument is the receiver. */
    private FastNode member(String function, List<CelExpr> args) {
        switch (function) {
            case "size": {
                FastNode operand = operand(args, 0, 1).nonNull();
                if (operand.kind == Kind.STRING) {
                    return new FastNode.StringSize(operand);
                }
                if (operand.kind == Kind.LIST) {
                    return new FastNode.ListSize(operand);
                }
                if (operand.kind == Kind.MAP) {
                    return new FastNode.MapSize(operand);
                }
                throw unsupported();
            }
            case "matches": {
                FastNode operand = operand(args, 0, 2).nonNull();
                CelExpr regex = args.get(1);
                if (operand.kind != Kind.STRING || regex.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                        || regex.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
                    throw unsupported();
                }
                try {
                    String source = regex.constant().stringValue();
                    return new FastNode.Matches(operand, Pattern.compile(source), RegexDfa.compile(source));
                } catch (PatternSyntaxException invalid) {
                    throw unsupported(); // reported as a problem by the rule compiler
                }
            }
            case "startsWith":
                return stringTest(args, FastNode.STARTS_WITH);
            case "endsWith":
                return stringTest(args, FastNode.ENDS_WITH);
            case "contains":
                return stringTest(args, FastNode.CONTAINS);
            default:
                throw unsupported();
        }
    }

    private FastNode stringTest(List<CelExpr> args, int op) {
        FastNode operand = operand(args, 0, 2).nonNull();
        FastNode argument = operand(args, 1, 2).nonNull();
        if (operand.kind != Kind.STRING || argument.kind != Kind.STRING) {
            throw unsupported();
        }
        if (argument instanceof FastNode.StringConst) {
            return new FastNode.StringTestLiteral(operand, ((FastNode.StringConst) argument).literal, op);
        }
        return new FastNode.StringTest(operand, argument, op);
    }

    private FastNode operand(List<CelExpr> args, int index, int arity) {
        if (args.size() != arity) {
            throw unsupported();
        }
        return node(args.get(index));
    }

    private FastNode boolOperand(List<CelExpr> args, int index) {
        FastNode node = node(args.get(index));
        if (node.kind != Kind.BOOL) {
            throw unsupported();
        }
        return node.nonNull();
    }

    private FastNode ternary(List<CelExpr> args) {
        FastNode condition = boolOperand(args, 0);
        FastNode whenTrue = node(args.get(1));
        FastNode whenFalse = node(args.get(2));
        if (whenTrue.kind != whenFalse.kind || !isValue(whenTrue.kind)) {
            throw unsupported();
        }
        boolean nullable = whenTrue.nullable || whenFalse.nullable;
        return new FastNode.Ternary(condition, nullable ? whenTrue : whenTrue.nonNull(),
                nullable ? whenFalse : whenFalse.nonNull(), whenTrue.kind, nullable);
    }

    private static boolean isValue(Kind kind) {
        return kind == Kind.BOOL || kind == Kind.INT || kind == Kind.DOUBLE || kind == Kind.STRING;
    }

    private FastNode equality(List<CelExpr> args, boolean negate) {
        FastNode left = operand(args, 0, 2);
        FastNode right = operand(args, 1, 2);
        if (left.kind == Kind.NULL && right.kind == Kind.NULL) {
            return new FastNode.BoolConst(!negate);
        }
        if (left.kind == Kind.NULL) {
            return isNull(right, negate);
        }
        if (right.kind == Kind.NULL) {
            return isNull(left, negate);
        }
        if (left.kind != right.kind || !isValue(left.kind)) {
            throw unsupported();
        }
        if (left.kind == Kind.STRING && right instanceof FastNode.StringConst) {
            return new FastNode.StringEqualsLiteral(left, ((FastNode.StringConst) right).literal, negate);
        }
        if (left.kind == Kind.STRING && left instanceof FastNode.StringConst) {
            return new FastNode.StringEqualsLiteral(right, ((FastNode.StringConst) left).literal, negate);
        }
        if (left.nullable || right.nullable) {
            return new FastNode.NullableEquals(left, right, negate);
        }
        return new FastNode.Equals(left, right, negate);
    }

    private static FastNode isNull(FastNode operand, boolean negate) {
        if (operand instanceof FastNode.RawField || operand.nullable) {
            return new FastNode.IsNull(operand, negate);
        }
        throw unsupported();
    }

    private FastNode ordering(List<CelExpr> args, int op) {
        FastNode left = operand(args, 0, 2).nonNull();
        FastNode right = operand(args, 1, 2).nonNull();
        if (left.kind == Kind.INT && right.kind == Kind.INT) {
            return new FastNode.IntCompare(left, right, op);
        }
        if (left.kind == Kind.DOUBLE && right.kind == Kind.DOUBLE) {
            return new FastNode.DoubleCompare(left, right, op);
        }
        if ((left.kind == Kind.DOUBLE && right.kind == Kind.INT) || (left.kind == Kind.INT && right.kind == Kind.DOUBLE)) {
            return new FastNode.MixedCompare(left, right, op);
        }
        if (left.kind == Kind.STRING && right.kind == Kind.STRING) {
            return new FastNode.StringCompare(left, right, op);
        }
        throw unsupported();
    }

    private FastNode arithmetic(List<CelExpr> args, int op) {
        FastNode left = operand(args, 0, 2).nonNull();
        FastNode right = operand(args, 1, 2).nonNull();
        if (left.kind == Kind.INT && right.kind == Kind.INT) {
            return new FastNode.IntArithmetic(left, right, op);
        }
        if (left.kind == Kind.DOUBLE && right.kind == Kind.DOUBLE && op != FastNode.MOD) {
            return new FastNode.DoubleArithmetic(left, right, op);
        }
        throw unsupported();
    }

    private FastNode negate(List<CelExpr> args) {
        FastNode operand = operand(args, 0, 1).nonNull();
        if (operand.kind == Kind.INT) {
            return new FastNode.IntNegate(operand);
        }
        if (operand.kind == Kind.DOUBLE) {
            return new FastNode.DoubleNegate(operand);
        }
        throw unsupported();
    }

    private FastNode in(List<CelExpr> args) {
        FastNode operand = operand(args, 0, 2).nonNull();
        CelExpr list = args.get(1);
        if (list.getKind() != CelExpr.ExprKind.Kind.LIST || !list.list().optionalIndices().isEmpty()) {
            throw unsupported();
        }
        List<CelExpr> elements = list.list().elements();
        CelConstant.Kind wanted;
        switch (operand.kind) {
            case INT:
                wanted = CelConstant.Kind.INT64_VALUE;
                break;
            case DOUBLE:
                wanted = CelConstant.Kind.DOUBLE_VALUE;
                break;
            case STRING:
                wanted = CelConstant.Kind.STRING_VALUE;
                break;
            default:
                throw unsupported();
        }
        for (CelExpr element : elements) {
            if (element.getKind() != CelExpr.ExprKind.Kind.CONSTANT || element.constant().getKind() != wanted) {
                throw unsupported();
            }
        }
        switch (operand.kind) {
            case INT:
                return new FastNode.IntIn(operand, elements.stream().mapToLong(e -> e.constant().int64Value()).toArray());
            case DOUBLE:
                return new FastNode.DoubleIn(operand, elements.stream().mapToDouble(e -> e.constant().doubleValue()).toArray());
            default:
                return new FastNode.StringIn(operand, elements.stream().map(e -> e.constant().stringValue()).toList());
        }
    }
}
