package io.meshstreams.internal.contract;

import com.google.re2j.Pattern;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * A node of a rule compiled to plain Java by {@link FastPathCompiler}: it evaluates straight from the
 * record's fields by position, with no copy, no boxing of ints and doubles, and regexes compiled once.
 *
 * <p>A node has a static kind, known when it is compiled. A non-nullable node answers through the
 * typed method of its kind ({@link #bool}, {@link #int64}, {@link #float64}, or {@link #obj} for
 * strings, which are {@link Utf8} or {@link String}); a nullable node answers through {@link #obj},
 * with null or the boxed value ({@code Boolean}, {@code Long}, {@code Double}, {@code CharSequence}).
 *
 * <p>Every node gives exactly dev.cel's answer or throws {@link Deopt}; it throws {@code Deopt} where
 * CEL would give an error, and wherever it meets a value it was not built for.
 */
abstract class FastNode {
    enum Kind { BOOL, INT, DOUBLE, STRING, NULL, LIST, MAP, RECORD }

    final Kind kind;
    final boolean nullable;

    FastNode(Kind kind, boolean nullable) {
        this.kind = kind;
        this.nullable = nullable;
    }

    boolean bool(IndexedRecord record) {
        Object value = obj(record);
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        throw Deopt.INSTANCE;
    }

    long int64(IndexedRecord record) {
        Object value = obj(record);
        if (value instanceof Long) {
            return (Long) value;
        }
        throw Deopt.INSTANCE;
    }

    double float64(IndexedRecord record) {
        Object value = obj(record);
        if (value instanceof Double) {
            return (Double) value;
        }
        throw Deopt.INSTANCE;
    }

    @Nullable Object obj(IndexedRecord record) {
        switch (kind) {
            case BOOL:
                return bool(record);
            case INT:
                return int64(record);
            case DOUBLE:
                return float64(record);
            default:
                throw new IllegalStateException(getClass().getSimpleName() + " of kind " + kind + " has no value");
        }
    }

    /** The same node as a non-nullable one: null becomes a {@link Deopt} (CEL: no matching overload). */
    FastNode nonNull() {
        return nullable ? new NonNull(this) : this;
    }

    // ---------------------------------------------------------------- values

    static final class BoolConst extends FastNode {
        private final boolean value;

        BoolConst(boolean value) {
            super(Kind.BOOL, false);
            this.value = value;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return value;
        }
    }

    static final class IntConst extends FastNode {
        final long value;

        IntConst(long value) {
            super(Kind.INT, false);
            this.value = value;
        }

        @Override
        long int64(IndexedRecord record) {
            return value;
        }
    }

    static final class DoubleConst extends FastNode {
        final double value;

        DoubleConst(double value) {
            super(Kind.DOUBLE, false);
            this.value = value;
        }

        @Override
        double float64(IndexedRecord record) {
            return value;
        }
    }

    static final class StringConst extends FastNode {
        final Utf8Text.StringLiteral literal;

        StringConst(String value) {
            super(Kind.STRING, false);
            this.literal = new Utf8Text.StringLiteral(value);
        }

        @Override
        Object obj(IndexedRecord record) {
            return literal.string;
        }
    }

    static final class NullConst extends FastNode {
        NullConst() {
            super(Kind.NULL, true);
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            return null;
        }
    }

    /**
     * Reads a field by position, through nested records; any surprise on the way is a {@link Deopt}. Without a base,
     * the positions start at the record given, whose schema the caller checked. With one (an iteration variable, an
     * array element, the record of a rule with comprehensions), they start at the base's value, and
     * {@code records[i]} is the schema that the record must have before position {@code i} is read (null: not
     * checked); no positions: the base's value itself. One final class for both, so that the reads of rules without
     * comprehensions stay monomorphic however many rules with them run in the same JVM.
     */
    static final class FieldPath {
        private final @Nullable FastNode base;
        private final int[] positions;
        /** Without a base: for each level below the root, the schema of the record there; null at level 0. */
        private final @Nullable SchemaMatcher[] records;
        final String dotted;

        FieldPath(int[] positions, @Nullable SchemaMatcher[] records, String dotted) {
            this(null, positions, records, dotted);
        }

        FieldPath(@Nullable FastNode base, int[] positions, @Nullable SchemaMatcher[] records, String dotted) {
            this.base = base;
            this.positions = positions;
            this.records = records;
            this.dotted = dotted;
        }

        @Nullable Object read(IndexedRecord root) {
            if (base != null) {
                return readFromBase(root);
            }
            Object value = root.get(positions[0]);
            for (int i = 1; i < positions.length; i++) {
                if (!(value instanceof IndexedRecord)) {
                    throw Deopt.INSTANCE; // null, or not a record: let the interpreter say what CEL says
                }
                IndexedRecord nested = (IndexedRecord) value;
                SchemaMatcher matcher = records[i];
                if (matcher == null || !matcher.matches(nested.getSchema())) {
                    throw Deopt.INSTANCE;
                }
                value = nested.get(positions[i]);
            }
            return value;
        }

        private @Nullable Object readFromBase(IndexedRecord context) {
            Object value = base.obj(context);
            for (int i = 0; i < positions.length; i++) {
                if (!(value instanceof IndexedRecord)) {
                    throw Deopt.INSTANCE;
                }
                IndexedRecord nested = (IndexedRecord) value;
                SchemaMatcher matcher = records[i];
                if (matcher != null && !matcher.matches(nested.getSchema())) {
                    throw Deopt.INSTANCE;
                }
                value = nested.get(positions[i]);
            }
            return value;
        }
    }

    static final class IntField extends FastNode {
        private final FieldPath path;

        IntField(FieldPath path, boolean nullable) {
            super(Kind.INT, nullable);
            this.path = path;
        }

        @Override
        long int64(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Long) {
                return (Long) value;
            }
            if (value instanceof Integer) {
                return (Integer) value;
            }
            throw Deopt.INSTANCE;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Long) {
                return value;
            }
            if (value instanceof Integer) {
                return (long) (Integer) value;
            }
            if (value == null && nullable) {
                return null;
            }
            throw Deopt.INSTANCE;
        }
    }

    static final class DoubleField extends FastNode {
        private final FieldPath path;

        DoubleField(FieldPath path, boolean nullable) {
            super(Kind.DOUBLE, nullable);
            this.path = path;
        }

        @Override
        double float64(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Double) {
                return (Double) value;
            }
            if (value instanceof Float) {
                return (Float) value;
            }
            throw Deopt.INSTANCE;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Double) {
                return value;
            }
            if (value instanceof Float) {
                return (double) (Float) value;
            }
            if (value == null && nullable) {
                return null;
            }
            throw Deopt.INSTANCE;
        }
    }

    static final class BoolField extends FastNode {
        private final FieldPath path;

        BoolField(FieldPath path, boolean nullable) {
            super(Kind.BOOL, nullable);
            this.path = path;
        }

        @Override
        boolean bool(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Boolean) {
                return (Boolean) value;
            }
            throw Deopt.INSTANCE;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Boolean || (value == null && nullable)) {
                return value;
            }
            throw Deopt.INSTANCE;
        }
    }

    /** A string field: a {@link Utf8} or a {@link String}, as the record holds it. */
    static final class StringField extends FastNode {
        private final FieldPath path;

        StringField(FieldPath path, boolean nullable) {
            super(Kind.STRING, nullable);
            this.path = path;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof Utf8 || value instanceof String || (value == null && nullable)) {
                return value;
            }
            throw Deopt.INSTANCE;
        }
    }

    /** An enum field, seen as its symbol. */
    static final class EnumField extends FastNode {
        private final FieldPath path;

        EnumField(FieldPath path, boolean nullable) {
            super(Kind.STRING, nullable);
            this.path = path;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            Object value = path.read(record);
            if (value instanceof GenericEnumSymbol) {
                return value.toString();
            }
            if (value instanceof Enum) {
                return ((Enum<?>) value).name();
            }
            if (value == null && nullable) {
                return null;
            }
            throw Deopt.INSTANCE;
        }
    }

    /**
     * A field read as it is, for {@code == null}, {@code has()}, {@code size()}, indexing and comprehensions:
     * a record, array or map, with its Avro schema (the non-null branch of a nullable union).
     */
    static final class RawField extends FastNode {
        final FieldPath path;
        final Schema schema;

        RawField(FieldPath path, Kind kind, boolean nullable, Schema schema) {
            super(kind, nullable);
            this.path = path;
            this.schema = schema;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            return path.read(record);
        }
    }

    static final class NonNull extends FastNode {
        private final FastNode node;

        NonNull(FastNode node) {
            super(node.kind, false);
            this.node = node;
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            Object value = node.obj(record);
            if (value == null) {
                throw Deopt.INSTANCE;
            }
            return value;
        }
    }

    // ---------------------------------------------------------------- logic

    static final class And extends FastNode {
        private final FastNode left;
        private final FastNode right;

        And(FastNode left, FastNode right) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
        }

        @Override
        boolean bool(IndexedRecord record) {
            // false && error is false in CEL; error && x goes to the interpreter, which absorbs it too
            return left.bool(record) && right.bool(record);
        }
    }

    static final class Or extends FastNode {
        private final FastNode left;
        private final FastNode right;

        Or(FastNode left, FastNode right) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return left.bool(record) || right.bool(record);
        }
    }

    static final class Not extends FastNode {
        private final FastNode operand;

        Not(FastNode operand) {
            super(Kind.BOOL, false);
            this.operand = operand;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return !operand.bool(record);
        }
    }

    static final class Ternary extends FastNode {
        private final FastNode condition;
        private final FastNode whenTrue;
        private final FastNode whenFalse;

        Ternary(FastNode condition, FastNode whenTrue, FastNode whenFalse, Kind kind, boolean nullable) {
            super(kind, nullable);
            this.condition = condition;
            this.whenTrue = whenTrue;
            this.whenFalse = whenFalse;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return condition.bool(record) ? whenTrue.bool(record) : whenFalse.bool(record);
        }

        @Override
        long int64(IndexedRecord record) {
            return condition.bool(record) ? whenTrue.int64(record) : whenFalse.int64(record);
        }

        @Override
        double float64(IndexedRecord record) {
            return condition.bool(record) ? whenTrue.float64(record) : whenFalse.float64(record);
        }

        @Override
        @Nullable Object obj(IndexedRecord record) {
            return condition.bool(record) ? whenTrue.obj(record) : whenFalse.obj(record);
        }
    }

    /** {@code has(message.a.b)}: true if the field is not null. */
    static final class Has extends FastNode {
        private final FieldPath path;

        Has(FieldPath path) {
            super(Kind.BOOL, false);
            this.path = path;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return path.read(record) != null;
        }
    }

    // ---------------------------------------------------------------- equality

    static final class IsNull extends FastNode {
        private final FastNode operand;
        private final boolean negate;

        IsNull(FastNode operand, boolean negate) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.negate = negate;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return (operand.obj(record) == null) != negate;
        }
    }

    /** {@code ==} or {@code !=} of two non-nullable operands of the same kind. */
    static final class Equals extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final boolean negate;

        Equals(FastNode left, FastNode right, boolean negate) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        boolean bool(IndexedRecord record) {
            boolean equal;
            switch (left.kind) {
                case INT:
                    equal = left.int64(record) == right.int64(record);
                    break;
                case DOUBLE:
                    equal = doubleEquals(left.float64(record), right.float64(record));
                    break;
                case BOOL:
                    equal = left.bool(record) == right.bool(record);
                    break;
                default:
                    equal = stringEquals((CharSequence) left.obj(record), (CharSequence) right.obj(record));
                    break;
            }
            return equal != negate;
        }
    }

    /** {@code ==} or {@code !=} of a string and a string literal. */
    static final class StringEqualsLiteral extends FastNode {
        private final FastNode operand;
        private final Utf8Text.StringLiteral literal;
        private final boolean negate;

        StringEqualsLiteral(FastNode operand, Utf8Text.StringLiteral literal, boolean negate) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.literal = literal;
            this.negate = negate;
        }

        @Override
        boolean bool(IndexedRecord record) {
            Object value = operand.obj(record);
            boolean equal = value != null && Utf8Text.equalsLiteral((CharSequence) value, literal);
            return equal != negate;
        }
    }

    /** {@code ==} or {@code !=} where an operand may be null: null equals only null. */
    static final class NullableEquals extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final boolean negate;

        NullableEquals(FastNode left, FastNode right, boolean negate) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        boolean bool(IndexedRecord record) {
            Object l = left.obj(record);
            Object r = right.obj(record);
            boolean equal;
            if (l == null || r == null) {
                equal = l == r;
            } else if (l instanceof Long && r instanceof Long) {
                equal = ((Long) l).longValue() == ((Long) r).longValue();
            } else if (l instanceof Double && r instanceof Double) {
                equal = doubleEquals((Double) l, (Double) r);
            } else if (l instanceof Boolean && r instanceof Boolean) {
                equal = l.equals(r);
            } else if (l instanceof CharSequence && r instanceof CharSequence) {
                equal = stringEquals((CharSequence) l, (CharSequence) r);
            } else {
                throw Deopt.INSTANCE;
            }
            return equal != negate;
        }
    }

    /**
     * IEEE equality (-0.0 equals 0.0), except that NaN is handed over: dev.cel's equality first asks
     * whether both sides are the same object, so {@code message.d == message.d} is true for a NaN
     * {@code d} (one boxed Double read twice) while {@code message.d + 0.0 == message.d} is false.
     */
    static boolean doubleEquals(double left, double right) {
        if (Double.isNaN(left) || Double.isNaN(right)) {
            throw Deopt.INSTANCE;
        }
        return left == right;
    }

    static boolean stringEquals(CharSequence left, CharSequence right) {
        return left.toString().equals(right.toString());
    }

    // ---------------------------------------------------------------- ordering

    static final int LT = 0;
    static final int LE = 1;
    static final int GT = 2;
    static final int GE = 3;

    /** The result of CEL's ordering operators from a comparison that gives -1, 0 or 1. */
    static boolean ordered(int op, int comparison) {
        switch (op) {
            case LT:
                return comparison == -1;
            case LE:
                return comparison <= 0;
            case GT:
                return comparison == 1;
            default:
                return comparison >= 0;
        }
    }

    static final class IntCompare extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final int op;

        IntCompare(FastNode left, FastNode right, int op) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        boolean bool(IndexedRecord record) {
            long l = left.int64(record);
            long r = right.int64(record);
            switch (op) {
                case LT:
                    return l < r;
                case LE:
                    return l <= r;
                case GT:
                    return l > r;
                default:
                    return l >= r;
            }
        }
    }

    /** Ordering of two doubles, as Java's primitive operators (NaN is unordered). */
    static final class DoubleCompare extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final int op;

        DoubleCompare(FastNode left, FastNode right, int op) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        boolean bool(IndexedRecord record) {
            double l = left.float64(record);
            double r = right.float64(record);
            switch (op) {
                case LT:
                    return l < r;
                case LE:
                    return l <= r;
                case GT:
                    return l > r;
                default:
                    return l >= r;
            }
        }
    }

    /**
     * Ordering of a double and an int, as dev.cel's {@code ComparisonFunctions.compareDoubleInt}
     * does it: with {@link Double#compare}, so NaN is greater than every int and -0.0 is less than 0.
     */
    static final class MixedCompare extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final int op;

        MixedCompare(FastNode left, FastNode right, int op) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        boolean bool(IndexedRecord record) {
            int comparison = left.kind == Kind.DOUBLE
                    ? compareDoubleInt(left.float64(record), right.int64(record))
                    : -compareDoubleInt(right.float64(record), left.int64(record));
            return ordered(op, comparison);
        }
    }

    static int compareDoubleInt(double d, long l) {
        if (d < (double) Long.MIN_VALUE) {
            return -1;
        }
        if (d > (double) Long.MAX_VALUE) {
            return 1;
        }
        return Double.compare(d, (double) l);
    }

    /** Ordering of strings, as {@link String#compareTo} (UTF-16 code units) like dev.cel. */
    static final class StringCompare extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final int op;

        StringCompare(FastNode left, FastNode right, int op) {
            super(Kind.BOOL, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        boolean bool(IndexedRecord record) {
            int comparison = Integer.signum(
                    String.valueOf(left.obj(record)).compareTo(String.valueOf(right.obj(record))));
            return ordered(op, comparison);
        }
    }

    // ---------------------------------------------------------------- arithmetic

    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;
    static final int MOD = 4;

    /** int64 arithmetic: overflow and division by zero are CEL errors. */
    static final class IntArithmetic extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final int op;

        IntArithmetic(FastNode left, FastNode right, int op) {
            super(Kind.INT, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        long int64(IndexedRecord record) {
            long l = left.int64(record);
            long r = right.int64(record);
            try {
                switch (op) {
                    case ADD:
                        return Math.addExact(l, r);
                    case SUB:
                        return Math.subtractExact(l, r);
                    case MUL:
                        return Math.multiplyExact(l, r);
                    case DIV:
                        if (r == 0 || (l == Long.MIN_VALUE && r == -1)) {
                            throw Deopt.INSTANCE;
                        }
                        return l / r;
                    default:
                        if (r == 0) {
                            throw Deopt.INSTANCE;
                        }
                        return l % r;
                }
            } catch (ArithmeticException overflow) {
                throw Deopt.INSTANCE;
            }
        }
    }

    static final class DoubleArithmetic extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final int op;

        DoubleArithmetic(FastNode left, FastNode right, int op) {
            super(Kind.DOUBLE, false);
            this.left = left;
            this.right = right;
            this.op = op;
        }

        @Override
        double float64(IndexedRecord record) {
            double l = left.float64(record);
            double r = right.float64(record);
            switch (op) {
                case ADD:
                    return l + r;
                case SUB:
                    return l - r;
                case MUL:
                    return l * r;
                default:
                    return l / r;
            }
        }
    }

    static final class IntNegate extends FastNode {
        private final FastNode operand;

        IntNegate(FastNode operand) {
            super(Kind.INT, false);
            this.operand = operand;
        }

        @Override
        long int64(IndexedRecord record) {
            long value = operand.int64(record);
            if (value == Long.MIN_VALUE) {
                throw Deopt.INSTANCE;
            }
            return -value;
        }
    }

    static final class DoubleNegate extends FastNode {
        private final FastNode operand;

        DoubleNegate(FastNode operand) {
            super(Kind.DOUBLE, false);
            this.operand = operand;
        }

        @Override
        double float64(IndexedRecord record) {
            return -operand.float64(record);
        }
    }

    // ---------------------------------------------------------------- membership

    static final class IntIn extends FastNode {
        private final FastNode operand;
        private final long[] values;

        IntIn(FastNode operand, long[] values) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.values = values;
        }

        @Override
        boolean bool(IndexedRecord record) {
            long value = operand.int64(record);
            for (long candidate : values) {
                if (candidate == value) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class DoubleIn extends FastNode {
        private final FastNode operand;
        private final double[] values;

        DoubleIn(FastNode operand, double[] values) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.values = values;
        }

        @Override
        boolean bool(IndexedRecord record) {
            double value = operand.float64(record);
            if (Double.isNaN(value)) {
                throw Deopt.INSTANCE;
            }
            for (double candidate : values) {
                if (candidate == value) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A string in a list of string literals: byte comparisons for a few, a hash set for many. */
    static final class StringIn extends FastNode {
        private static final int LINEAR_LIMIT = 8;
        private final FastNode operand;
        private final Utf8Text.StringLiteral[] values;
        private final Set<String> set;

        StringIn(FastNode operand, List<String> values) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.values = values.stream().map(Utf8Text.StringLiteral::new).toArray(Utf8Text.StringLiteral[]::new);
            this.set = new HashSet<>(values);
        }

        @Override
        boolean bool(IndexedRecord record) {
            CharSequence value = (CharSequence) operand.obj(record);
            if (values.length > LINEAR_LIMIT || value instanceof String) {
                return set.contains(value.toString());
            }
            for (Utf8Text.StringLiteral candidate : values) {
                if (Utf8Text.equalsLiteral(value, candidate)) {
                    return true;
                }
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- strings and lists

    static final class StringSize extends FastNode {
        private final FastNode operand;

        StringSize(FastNode operand) {
            super(Kind.INT, false);
            this.operand = operand;
        }

        @Override
        long int64(IndexedRecord record) {
            return Utf8Text.size((CharSequence) operand.obj(record));
        }
    }

    static final class ListSize extends FastNode {
        private final FastNode operand;

        ListSize(FastNode operand) {
            super(Kind.INT, false);
            this.operand = operand;
        }

        @Override
        long int64(IndexedRecord record) {
            Object value = operand.obj(record);
            if (value instanceof List) {
                return ((List<?>) value).size();
            }
            throw Deopt.INSTANCE;
        }
    }

    static final int STARTS_WITH = 0;
    static final int ENDS_WITH = 1;
    static final int CONTAINS = 2;

    static final class StringTestLiteral extends FastNode {
        private final FastNode operand;
        private final Utf8Text.StringLiteral literal;
        private final int op;

        StringTestLiteral(FastNode operand, Utf8Text.StringLiteral literal, int op) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.literal = literal;
            this.op = op;
        }

        @Override
        boolean bool(IndexedRecord record) {
            CharSequence value = (CharSequence) operand.obj(record);
            switch (op) {
                case STARTS_WITH:
                    return Utf8Text.startsWith(value, literal);
                case ENDS_WITH:
                    return Utf8Text.endsWith(value, literal);
                default:
                    return Utf8Text.contains(value, literal);
            }
        }
    }

    static final class StringTest extends FastNode {
        private final FastNode operand;
        private final FastNode argument;
        private final int op;

        StringTest(FastNode operand, FastNode argument, int op) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.argument = argument;
            this.op = op;
        }

        @Override
        boolean bool(IndexedRecord record) {
            String value = String.valueOf(operand.obj(record));
            String part = String.valueOf(argument.obj(record));
            switch (op) {
                case STARTS_WITH:
                    return value.startsWith(part);
                case ENDS_WITH:
                    return value.endsWith(part);
                default:
                    return value.contains(part);
            }
        }
    }

    /**
     * {@code matches} with a literal pattern, compiled once: an unanchored RE2 search, as dev.cel's
     * {@code matches} with {@code enableRegexPartialMatch}. Patterns in {@link RegexDfa}'s subset run on
     * its automaton; others on re2j, as in dev.cel. Well-formed UTF-8 is searched in place.
     */
    static final class Matches extends FastNode {
        private final FastNode operand;
        private final Pattern pattern;
        private final @Nullable RegexDfa dfa;

        Matches(FastNode operand, Pattern pattern, @Nullable RegexDfa dfa) {
            super(Kind.BOOL, false);
            this.operand = operand;
            this.pattern = pattern;
            this.dfa = dfa;
        }

        @Override
        boolean bool(IndexedRecord record) {
            CharSequence value = (CharSequence) operand.obj(record);
            if (value instanceof Utf8) {
                Utf8 utf8 = (Utf8) value;
                if (dfa != null) {
                    int found = dfa.find(utf8.getBytes(), utf8.getByteLength());
                    return found >= 0 ? found == 1 : dfa.find(utf8.toString());
                }
                if (Utf8Text.isWellFormed(utf8.getBytes(), utf8.getByteLength())) {
                    return pattern.matcher(Utf8Text.exactBytes(utf8)).find();
                }
                return pattern.matcher(utf8.toString()).find();
            }
            return dfa != null ? dfa.find(value) : pattern.matcher(value).find();
        }
    }

    // ---------------------------------------------------------------- comprehensions and indexing

    /**
     * The state of one evaluation of a rule with comprehensions: the record, the current value of each iteration
     * variable by nesting depth, and the iterations so far. The nodes of such a rule get the frame in place of the
     * record; it is made per evaluation, so it is confined to one thread. It is an {@link IndexedRecord} only to
     * travel through the nodes' signatures: it has no fields.
     */
    static final class Frame implements IndexedRecord {
        final IndexedRecord root;
        final @Nullable Object[] vars;
        int iterations;

        Frame(IndexedRecord root, int depth) {
            this.root = root;
            this.vars = new Object[depth];
        }

        @Override
        public void put(int i, Object v) {
            throw new UnsupportedOperationException("a rule's evaluation frame has no fields");
        }

        @Override
        public Object get(int i) {
            throw new IllegalStateException("a fast path node read a field of the evaluation frame: a compiler bug");
        }

        @Override
        public Schema getSchema() {
            return root.getSchema();
        }
    }

    /** The root of a rule with comprehensions: evaluates it in a new frame over the record. */
    static final class InFrame extends FastNode {
        private final FastNode node;
        private final int depth;

        InFrame(FastNode node, int depth) {
            super(Kind.BOOL, false);
            this.node = node;
            this.depth = depth;
        }

        @Override
        boolean bool(IndexedRecord record) {
            return node.bool(new Frame(record, depth));
        }
    }

    /** The record of a rule with comprehensions ({@code message}), from its frame. */
    static final class FrameRoot extends FastNode {
        FrameRoot() {
            super(Kind.RECORD, false);
        }

        @Override
        Object obj(IndexedRecord frame) {
            return ((Frame) frame).root;
        }
    }

    /** The current value of an iteration variable, as the array or map holds it. */
    static final class Var extends FastNode {
        private final int slot;

        Var(int slot) {
            super(Kind.RECORD, true);
            this.slot = slot;
        }

        @Override
        @Nullable Object obj(IndexedRecord frame) {
            return ((Frame) frame).vars[slot];
        }
    }

    static final int ALL = 0;
    static final int EXISTS = 1;
    static final int EXISTS_ONE = 2;

    /**
     * {@code all}, {@code exists} and {@code exists_one} over an array (its elements) or a map (its keys), as
     * dev.cel folds them: each element counts one iteration against the limit per evaluation before the loop
     * condition is looked at, so {@code all} stops at the element after the first false one and {@code exists} at the
     * element after the first true one; {@code exists_one} visits every element. Any error of the body is a
     * {@link Deopt} (CEL's error absorption by {@code &&} and {@code ||} is left to the interpreter).
     */
    static final class Quantifier extends FastNode {
        private final FastNode range;
        private final int slot;
        private final FastNode body;
        private final int op;
        private final int limit;

        Quantifier(FastNode range, int slot, FastNode body, int op, int limit) {
            super(Kind.BOOL, false);
            this.range = range;
            this.slot = slot;
            this.body = body;
            this.op = op;
            this.limit = limit;
        }

        @Override
        boolean bool(IndexedRecord context) {
            Frame frame = (Frame) context;
            Object value = range.obj(frame);
            Iterator<?> elements;
            List<?> list = null;
            int size;
            if (value instanceof List && value instanceof RandomAccess) {
                list = (List<?>) value;
                size = list.size();
                elements = null;
            } else if (value instanceof List) {
                size = ((List<?>) value).size();
                elements = ((List<?>) value).iterator();
            } else if (value instanceof Map) {
                Map<?, ?> map = (Map<?, ?>) value;
                requireDistinctKeys(map);
                size = map.size();
                elements = map.keySet().iterator();
            } else {
                throw Deopt.INSTANCE; // null, or not a collection: the interpreter says what CEL says
            }
            Object saved = frame.vars[slot];
            boolean accumulator = op == ALL;
            int count = 0;
            for (int i = 0; i < size; i++) {
                if (++frame.iterations > limit) {
                    throw Deopt.INSTANCE; // the interpreter's error names the limit
                }
                if ((op == ALL && !accumulator) || (op == EXISTS && accumulator)) {
                    break;
                }
                frame.vars[slot] = list != null ? list.get(i) : elements.next();
                boolean holds = body.bool(frame);
                if (op == EXISTS_ONE) {
                    count += holds ? 1 : 0;
                } else {
                    accumulator = holds;
                }
            }
            frame.vars[slot] = saved;
            return op == EXISTS_ONE ? count == 1 : accumulator;
        }
    }

    /**
     * Map keys as dev.cel sees them are strings, and a map with two keys that are the same string (a {@code Utf8}
     * and a {@code String}, or two malformed {@code Utf8}s that decode alike) is one entry there: the fast path takes
     * only maps whose keys are all {@code String}s or all well-formed {@code Utf8}s, which are distinct strings.
     */
    static boolean requireDistinctKeys(Map<?, ?> map) {
        boolean utf8 = false;
        boolean string = false;
        for (Object key : map.keySet()) {
            if (key instanceof String) {
                string = true;
            } else if (key instanceof Utf8 && Utf8Text.isWellFormed(((Utf8) key).getBytes(), ((Utf8) key).getByteLength())) {
                utf8 = true;
            } else {
                throw Deopt.INSTANCE;
            }
        }
        if (utf8 && string) {
            throw Deopt.INSTANCE;
        }
        return utf8;
    }

    /** {@code list[i]}: the element as the array holds it; an index out of range is a CEL error. */
    static final class ListIndex extends FastNode {
        private final FastNode list;
        private final FastNode index;

        ListIndex(FastNode list, FastNode index) {
            super(Kind.RECORD, true);
            this.list = list;
            this.index = index;
        }

        @Override
        @Nullable Object obj(IndexedRecord context) {
            Object value = list.obj(context);
            long i = index.int64(context);
            if (!(value instanceof List) || i < 0 || i >= ((List<?>) value).size()) {
                throw Deopt.INSTANCE;
            }
            return ((List<?>) value).get((int) i);
        }
    }

    /** {@code map[key]}: the value as the map holds it; a missing key is a CEL error, a null value is handed over. */
    static final class MapIndex extends FastNode {
        private final FastNode map;
        private final FastNode key;

        MapIndex(FastNode map, FastNode key) {
            super(Kind.RECORD, true);
            this.map = map;
            this.key = key;
        }

        @Override
        @Nullable Object obj(IndexedRecord context) {
            Object value = map.obj(context);
            Object k = key.obj(context);
            if (!(value instanceof Map) || k == null) {
                throw Deopt.INSTANCE;
            }
            Map<?, ?> entries = (Map<?, ?>) value;
            boolean utf8Keys = requireDistinctKeys(entries);
            Object found;
            if (utf8Keys && k instanceof Utf8) {
                found = entries.get(k);
            } else if (utf8Keys) {
                String text = k.toString();
                Utf8 encoded = new Utf8(text);
                if (!encoded.toString().equals(text)) {
                    throw Deopt.INSTANCE; // a lone surrogate: no Utf8 key is this string
                }
                found = entries.get(encoded);
            } else {
                found = entries.get(k.toString());
            }
            if (found == null) {
                throw Deopt.INSTANCE;
            }
            return found;
        }
    }

    static final class MapSize extends FastNode {
        private final FastNode operand;

        MapSize(FastNode operand) {
            super(Kind.INT, false);
            this.operand = operand;
        }

        @Override
        long int64(IndexedRecord record) {
            Object value = operand.obj(record);
            if (value instanceof Map) {
                requireDistinctKeys((Map<?, ?>) value);
                return ((Map<?, ?>) value).size();
            }
            throw Deopt.INSTANCE;
        }
    }
}
