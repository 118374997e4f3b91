package io.meshstreams.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.values.NullValue;
import io.meshstreams.contract.Rule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/**
 * The fast path gives dev.cel's answer: for thousands of generated expressions over a schema with
 * every scalar type (nullable or not, nested, enum, array), arrays, maps, nested arrays and nullable
 * elements of records, with {@code all}, {@code exists}, {@code exists_one} (nested, over array elements
 * and map keys) and indexing, evaluated on generated records that hold
 * edge values (int64 limits, NaN, infinities, -0.0, empty and unicode strings, U+FFFD, newlines),
 * nulls where the schema allows them and where it does not, {@code Utf8} and {@code String} strings,
 * malformed UTF-8, values of the wrong Java class, null elements, records of another layout inside
 * arrays and maps, and map keys of mixed classes.
 *
 * <p>For each pair, dev.cel's planner over the record view is the reference: true, false, a non-bool,
 * or an error. The fast path must either give the same bool, or hand over ({@link Deopt}), in which
 * case the interpreter's answer is what {@code check} uses. It must never give a bool where dev.cel
 * gives another bool, a non-bool or an error.
 */
class FastPathDifferentialTest {
    static final Schema PROBE = new Schema.Parser().parse("""
            {"type": "record", "name": "Probe", "namespace": "test", "fields": [
              {"name": "l", "type": "long"},
              {"name": "i", "type": "int"},
              {"name": "d", "type": "double"},
              {"name": "f", "type": "float"},
              {"name": "b", "type": "boolean"},
              {"name": "s", "type": "string"},
              {"name": "t", "type": "string"},
              {"name": "e", "type": {"type": "enum", "name": "Letter", "symbols": ["A", "B", "C"]}},
              {"name": "nl", "type": ["null", "long"], "default": null},
              {"name": "nd", "type": ["null", "double"], "default": null},
              {"name": "ns", "type": ["null", "string"], "default": null},
              {"name": "nb", "type": ["null", "boolean"], "default": null},
              {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
                {"name": "name", "type": "string"},
                {"name": "n", "type": "long"},
                {"name": "tag", "type": ["null", "string"], "default": null}
              ]}},
              {"name": "maybe", "type": ["null", "Inner"], "default": null},
              {"name": "list", "type": {"type": "array", "items": "string"}},
              {"name": "people", "type": {"type": "array", "items": "Inner"}},
              {"name": "maybePeople", "type": {"type": "array", "items": ["null", "Inner"]}},
              {"name": "byKey", "type": {"type": "map", "values": "Inner"}},
              {"name": "nested", "type": {"type": "array", "items": {"type": "array", "items": "Inner"}}}
            ]}""");
    static final Schema INNER = PROBE.getField("inner").schema();
    static final Schema OTHER_INNER = new Schema.Parser().parse("""
            {"type": "record", "name": "Inner", "namespace": "test", "fields": [
              {"name": "n", "type": "long"}, {"name": "name", "type": "string"}]}""");

    /** Longer runs: {@code -Dcontract.differential.seed=7 -Dcontract.differential.expressions=20000}. */
    private final Random random = new Random(Long.getLong("contract.differential.seed", 4242L));
    private final int expressionCount = Integer.getInteger("contract.differential.expressions", 2_500);

    @Test
    void fastPathAgreesWithDevCelInterpreter() throws Exception {
        // given
        List<GenericRecord> records = new ArrayList<>();
        for (int r = 0; r < 60; r++) {
            records.add(record(r < 10));
        }
        int expressions = 0;
        int fast = 0;
        int agreements = 0;
        int handovers = 0;
        int interpreterErrors = 0;
        int collectionExpressions = 0;
        int collectionAgreements = 0;
        List<String> disagreements = new ArrayList<>();

        // when
        while (expressions < expressionCount) {
            String expression = boolExpr(4);
            RuleSetCompiler.Result result = RuleSetCompiler.compile(PROBE, List.of(Rule.of("r", expression)));
            if (!result.ok()) {
                continue; // the generator can make type errors; they are not the point here
            }
            expressions++;
            CompiledRuleSet set = result.rules();
            CompiledRule rule = set.rules().get(0);
            if (rule.fast == null) {
                continue;
            }
            fast++;
            boolean overCollections = OVER_COLLECTIONS.matcher(expression).find();
            collectionExpressions += overCollections ? 1 : 0;
            for (GenericRecord record : records) {
                Object reference;
                try {
                    reference = set.interpret(rule, record);
                    if (reference instanceof NullValue) {
                        reference = "null";
                    }
                } catch (Exception e) {
                    reference = "error: " + e.getMessage();
                    interpreterErrors++;
                }
                try {
                    Boolean answer = set.fast(rule, record);
                    if (!String.valueOf(answer).equals(String.valueOf(reference))) {
                        disagreements.add(ascii(expression + " on " + record + ": fast " + answer + ", dev.cel " + reference));
                    } else {
                        agreements++;
                        collectionAgreements += overCollections ? 1 : 0;
                    }
                } catch (Deopt deopt) {
                    handovers++;
                }
            }
        }

        // then
        System.out.println("STATS expressions=" + expressions + " fast=" + fast + " agreements=" + agreements
                + " handovers=" + handovers + " interpreterErrors=" + interpreterErrors
                + " overCollections=" + collectionExpressions + " collectionAgreements=" + collectionAgreements);
        assertThat(disagreements)
                .withFailMessage(() -> disagreements.size() + " fast path answers differ from dev.cel's:\n"
                        + String.join("\n", disagreements.subList(0, Math.min(30, disagreements.size()))))
                .isEmpty();
        assertThat(fast).as("expressions in the fast path's subset, of " + expressions).isGreaterThan(expressions * 9 / 10);
        assertThat(agreements).as("answered by the fast path").isGreaterThan(fast * records.size() / 2);
        assertThat(interpreterErrors).as("the records do make dev.cel fail").isGreaterThan(1_000);
        assertThat(handovers).as("handovers").isGreaterThan(0);
        assertThat(collectionExpressions).as("fast expressions over arrays and maps of records").isGreaterThan(400);
        assertThat(collectionAgreements).as("their answers by the fast path").isGreaterThan(collectionExpressions * 10);
    }

    /** A comprehension, or an index into an array or map, or the size of one: what reaches into collections. */
    private static final java.util.regex.Pattern OVER_COLLECTIONS = java.util.regex.Pattern.compile(
            "\\.(all|exists|exists_one)\\(|\\[|size\\(message\\.(people|byKey|nested|maybePeople)\\)");

    // ------------------------------------------------------------- expressions

    private static final String[] INT_ATOMS = {"message.l", "message.i", "message.nl", "message.inner.n",
        "message.maybe.n", "size(message.s)", "size(message.list)", "message.ns.size()", "0", "1", "-1", "7", "42",
        "1000", "9223372036854775807", "-9223372036854775808", "4611686018427387904", "2147483647"};
    private static final String[] DOUBLE_ATOMS = {"message.d", "message.f", "message.nd", "0.0", "-0.0", "1.5",
        "-2.25", "1e308", "1e-300", "3.0"};
    private static final String[] STRING_ATOMS = {"message.s", "message.t", "message.ns", "message.e",
        "message.inner.name", "message.inner.tag", "message.maybe.name", "''", "'a'", "'abc'", "'é'", "'😀'", "'A'",
        "'B'", "'\uFFFD'", "'a\\nb'", "'ab😀'", "'Ab'"};
    private static final String[] STRING_LITERALS = {"''", "'a'", "'abc'", "'é'", "'😀'", "'A'", "'B'", "'\uFFFD'",
        "'b'", "'ab😀'"};
    private static final String[] REGEXES = {"'^[^@]+@[^@]+$'", "'a'", "'^$'", "'.'", "'^a.*b$'", "'[é😀]'",
        "'\\\\d+'", "'^[A-C]$'", "'(?i)a'", "'\\\\bab'", "'a|^b'", "'\\\\s'"};
    private static final String[] NULLABLE = {"message.nl", "message.nd", "message.ns", "message.nb",
        "message.maybe", "message.inner.tag", "message.maybe.tag"};
    private static final String[] HAS = {"has(message.ns)", "has(message.nl)", "has(message.nd)",
        "has(message.nb)", "has(message.maybe)", "has(message.inner.tag)", "has(message.maybe.tag)",
        "has(message.s)", "has(message.inner)", "has(message.list)"};
    private static final String[] CMP = {"==", "!=", "<", "<=", ">", ">="};
    private static final String[] ARITH = {"+", "-", "*", "/", "%"};

    private static final String[] COLLECTION_INT_ATOMS = {"size(message.people)", "size(message.byKey)",
        "size(message.nested)", "message.people[0].n", "message.byKey['a'].n", "message.nested[1][0].n",
        "size(message.maybePeople)"};
    private static final String[] COLLECTION_STRING_ATOMS = {"message.people[1].name", "message.byKey['b'].name",
        "message.maybePeople[0].name", "message.people[0].tag", "message.byKey['\u00e9'].name"};
    private static final String[] QUANTIFIERS = {"all", "exists", "exists_one"};

    /** The iteration variables in scope, innermost last: {name, what it iterates over}. */
    private final List<String[]> scope = new ArrayList<>();

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    /** An atom from the iteration variables in scope, of a type ({@code int}, {@code string}, ...), or null. */
    private String scoped(String type) {
        if (scope.isEmpty() || random.nextInt(3) > 0) {
            return null;
        }
        String[] variable = scope.get(random.nextInt(scope.size()));
        String v = variable[0];
        String[] options;
        switch (variable[1] + " " + type) {
            case "inner int":
            case "maybeInner int":
                options = new String[] {v + ".n"};
                break;
            case "inner string":
            case "maybeInner string":
                options = new String[] {v + ".name", v + ".tag"};
                break;
            case "inner nullable":
                options = new String[] {v + ".tag"};
                break;
            case "maybeInner nullable":
                options = new String[] {v, v + ".tag"};
                break;
            case "inner has":
            case "maybeInner has":
                options = new String[] {"has(" + v + ".tag)", "has(" + v + ".name)"};
                break;
            case "key string":
                options = new String[] {v, "message.byKey[" + v + "].name", "message.byKey[" + v + "].tag"};
                break;
            case "key int":
                options = new String[] {"message.byKey[" + v + "].n", "size(" + v + ")"};
                break;
            case "string string":
                options = new String[] {v};
                break;
            case "string int":
                options = new String[] {"size(" + v + ")"};
                break;
            case "innerList int":
                options = new String[] {"size(" + v + ")", v + "[0].n"};
                break;
            case "innerList string":
                options = new String[] {v + "[0].name"};
                break;
            default:
                return null;
        }
        return pick(options);
    }

    private String intAtom() {
        String scoped = scoped("int");
        if (scoped != null) {
            return scoped;
        }
        return random.nextInt(6) == 0 ? pick(COLLECTION_INT_ATOMS) : pick(INT_ATOMS);
    }

    private String stringAtom() {
        String scoped = scoped("string");
        if (scoped != null) {
            return scoped;
        }
        return random.nextInt(6) == 0 ? pick(COLLECTION_STRING_ATOMS) : pick(STRING_ATOMS);
    }

    /** {@code range.all(x, p)}, {@code exists} or {@code exists_one} over an array, a map or a nested array. */
    private String quantifier(int depth) {
        List<String[]> ranges = new ArrayList<>(List.of(new String[] {"message.people", "inner"},
                new String[] {"message.maybePeople", "maybeInner"}, new String[] {"message.byKey", "key"},
                new String[] {"message.list", "string"}, new String[] {"message.nested", "innerList"}));
        for (String[] variable : scope) {
            if (variable[1].equals("innerList")) {
                ranges.add(new String[] {variable[0], "inner"});
                ranges.add(new String[] {variable[0], "inner"});
            }
        }
        String[] range = ranges.get(random.nextInt(ranges.size()));
        // now and then an inner variable shadows an outer one of the same name
        String name = !scope.isEmpty() && random.nextInt(8) == 0 ? scope.get(0)[0] : "x" + scope.size();
        scope.add(new String[] {name, range[1]});
        try {
            return range[0] + "." + pick(QUANTIFIERS) + "(" + name + ", " + boolExpr(depth) + ")";
        } finally {
            scope.remove(scope.size() - 1);
        }
    }

    private String boolExpr(int depth) {
        int choice = random.nextInt(depth > 0 ? 18 : 9);
        switch (choice) {
            case 0:
                return intExpr(depth - 1) + " " + pick(CMP) + " " + intExpr(depth - 1);
            case 1:
                return doubleExpr(depth - 1) + " " + pick(CMP) + " " + doubleExpr(depth - 1);
            case 2:
                return doubleExpr(depth - 1) + " " + pick(new String[] {"<", "<=", ">", ">="}) + " " + intExpr(depth - 1);
            case 3:
                return stringExpr(depth - 1) + " " + pick(CMP) + " " + stringExpr(depth - 1);
            case 4:
                return list(this::stringAtomOrLiteral, stringExpr(depth - 1));
            case 5: {
                String scoped = scoped("has");
                return scoped != null ? scoped : pick(HAS);
            }
            case 6: {
                String scoped = scoped("nullable");
                return (scoped != null ? scoped : pick(NULLABLE)) + (random.nextBoolean() ? " == null" : " != null");
            }
            case 7:
                return stringExpr(depth - 1) + "." + pick(new String[] {"startsWith", "endsWith", "contains"}) + "("
                        + (random.nextBoolean() ? pick(STRING_LITERALS) : stringExpr(depth - 1)) + ")";
            case 8:
                return pick(new String[] {"true", "false", "message.b", "message.nb"});
            case 9:
                return stringExpr(depth - 1) + ".matches(" + pick(REGEXES) + ")";
            case 10:
                return "!" + paren(boolExpr(depth - 1));
            case 11:
            case 12:
                return paren(boolExpr(depth - 1)) + " && " + paren(boolExpr(depth - 1));
            case 13:
                return paren(boolExpr(depth - 1)) + " || " + paren(boolExpr(depth - 1));
            case 14:
                return paren(boolExpr(depth - 1)) + " ? " + paren(boolExpr(depth - 1)) + " : " + paren(boolExpr(depth - 1));
            case 16:
            case 17:
                return quantifier(depth - 1);
            default:
                return random.nextBoolean() ? list(() -> pick(new String[] {"0", "1", "-1", "42", "9223372036854775807"}),
                        intExpr(depth - 1)) : list(() -> pick(new String[] {"0.0", "-0.0", "1.5", "3.0"}), doubleExpr(depth - 1));
        }
    }

    private String stringAtomOrLiteral() {
        return pick(STRING_LITERALS);
    }

    private String list(Supplier<String> element, String operand) {
        StringBuilder list = new StringBuilder(operand).append(" in [");
        int size = random.nextInt(11);
        for (int i = 0; i < size; i++) {
            list.append(i > 0 ? ", " : "").append(element.get());
        }
        return list.append(']').toString();
    }

    private String intExpr(int depth) {
        if (depth <= 0 || random.nextInt(3) == 0) {
            return intAtom();
        }
        switch (random.nextInt(4)) {
            case 0:
                return paren(intExpr(depth - 1) + " " + pick(ARITH) + " " + intExpr(depth - 1));
            case 1:
                return "-" + paren(intExpr(depth - 1));
            case 2:
                return paren(boolExpr(depth - 1) + " ? " + intExpr(depth - 1) + " : " + intExpr(depth - 1));
            default:
                return "size(" + stringExpr(depth - 1) + ")";
        }
    }

    private String doubleExpr(int depth) {
        if (depth <= 0 || random.nextInt(3) == 0) {
            return pick(DOUBLE_ATOMS);
        }
        switch (random.nextInt(3)) {
            case 0:
                return paren(doubleExpr(depth - 1) + " " + pick(new String[] {"+", "-", "*", "/"}) + " " + doubleExpr(depth - 1));
            case 1:
                return "-" + paren(doubleExpr(depth - 1));
            default:
                return paren(boolExpr(depth - 1) + " ? " + doubleExpr(depth - 1) + " : " + doubleExpr(depth - 1));
        }
    }

    private String stringExpr(int depth) {
        if (depth <= 0 || random.nextInt(3) > 0) {
            return stringAtom();
        }
        return paren(boolExpr(depth - 1) + " ? " + stringExpr(depth - 1) + " : " + stringExpr(depth - 1));
    }

    /** Non-ASCII characters escaped, so that a failure message prints whole. */
    private static String ascii(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            escaped.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return escaped.toString();
    }

    private static String paren(String expression) {
        return "(" + expression + ")";
    }

    // ------------------------------------------------------------- records

    private static final long[] LONGS = {0, 1, -1, 7, 42, 1000, Long.MAX_VALUE, Long.MIN_VALUE, 4611686018427387904L,
        Integer.MAX_VALUE, Integer.MIN_VALUE, -9};
    private static final int[] INTS = {0, 1, -1, 7, 42, Integer.MAX_VALUE, Integer.MIN_VALUE};
    private static final double[] DOUBLES = {0.0, -0.0, 1.5, -2.25, 3.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1e308, -1e308, 9.223372036854776E18, -9.223372036854776E18, 42.0, Double.MIN_VALUE};
    private static final String[] STRINGS = {"", "a", "abc", "é", "😀", "A", "B", "\uFFFD", "a\nb", "ab😀", "Ab",
        "ada@example.com", "a@b@c", "b", "x".repeat(300), "日本語", "abé😀b", " ", "12", "ab"};

    private GenericRecord record(boolean clean) {
        GenericRecord record = new GenericData.Record(PROBE);
        record.put("l", hostile(clean, () -> LONGS[random.nextInt(LONGS.length)]));
        record.put("i", hostile(clean, () -> INTS[random.nextInt(INTS.length)]));
        record.put("d", hostile(clean, () -> DOUBLES[random.nextInt(DOUBLES.length)]));
        record.put("f", hostile(clean, () -> (float) DOUBLES[random.nextInt(DOUBLES.length)]));
        record.put("b", hostile(clean, random::nextBoolean));
        record.put("s", hostile(clean, () -> string(clean)));
        record.put("t", hostile(clean, () -> string(clean)));
        record.put("e", hostile(clean, () -> random.nextInt(10) == 0 && !clean ? "A"
                : new GenericData.EnumSymbol(PROBE.getField("e").schema(), "ABC".substring(random.nextInt(3)).substring(0, 1))));
        record.put("nl", nullable(() -> LONGS[random.nextInt(LONGS.length)]));
        record.put("nd", nullable(() -> DOUBLES[random.nextInt(DOUBLES.length)]));
        record.put("ns", nullable(() -> string(clean)));
        record.put("nb", nullable(random::nextBoolean));
        record.put("inner", hostile(clean, () -> !clean && random.nextInt(15) == 0 ? otherInner() : inner(clean)));
        record.put("maybe", nullable(() -> inner(clean)));
        List<Object> list = new ArrayList<>();
        for (int k = random.nextInt(4); k > 0; k--) {
            list.add(string(clean));
        }
        record.put("list", hostile(clean, () -> random.nextBoolean() ? list
                : new GenericData.Array<>(PROBE.getField("list").schema(), list)));
        record.put("people", hostile(clean, () -> people(clean, false)));
        record.put("maybePeople", hostile(clean, () -> people(clean, true)));
        record.put("byKey", hostile(clean, () -> byKey(clean)));
        record.put("nested", hostile(clean, () -> {
            List<Object> teams = new ArrayList<>();
            for (int k = random.nextInt(4); k > 0; k--) {
                teams.add(random.nextInt(10) == 0 && !clean ? "not a list" : people(clean, false));
            }
            return teams;
        }));
        return record;
    }

    /** An array of records as a producer builds it or as Avro decodes it; hostile: of another layout, null, not a record. */
    private List<Object> people(boolean clean, boolean nullable) {
        List<Object> people = new ArrayList<>();
        for (int k = random.nextInt(5); k > 0; k--) {
            int dice = random.nextInt(12);
            if (nullable && dice < 3) {
                people.add(null);
            } else if (!clean && dice == 3) {
                people.add(random.nextBoolean() ? otherInner() : null);
            } else if (!clean && dice == 4) {
                people.add("not a record");
            } else {
                people.add(inner(clean));
            }
        }
        int form = random.nextInt(4);
        if (form == 0) {
            return new GenericData.Array<>(Schema.createArray(INNER), people);
        }
        return form == 1 && !clean ? new LinkedList<>(people) : people;
    }

    private static final String[] KEYS = {"a", "b", "\u00e9", "", "x", "ab"};

    /** A map of records with String or Utf8 keys; hostile: keys of both classes, malformed keys, odd values. */
    private Map<Object, Object> byKey(boolean clean) {
        Map<Object, Object> map = new LinkedHashMap<>();
        boolean utf8 = random.nextBoolean();
        for (int k = random.nextInt(5); k > 0; k--) {
            String text = KEYS[random.nextInt(KEYS.length)];
            Object key = utf8 ? new Utf8(text) : text;
            int dice = random.nextInt(15);
            if (!clean && dice == 0) {
                key = utf8 ? text : new Utf8(text); // a key of the other class: maybe the same string twice
            } else if (!clean && dice == 1) {
                key = new Utf8(new byte[] {'a', (byte) (0xF0 + random.nextInt(2))}); // malformed, decodes to "a\uFFFD"
            }
            Object value = inner(clean);
            if (!clean && dice == 2) {
                value = otherInner();
            } else if (!clean && dice == 3) {
                value = null;
            }
            map.put(key, value);
        }
        return map;
    }

    private GenericRecord inner(boolean clean) {
        GenericRecord inner = new GenericData.Record(INNER);
        inner.put("name", hostile(clean, () -> string(clean)));
        inner.put("n", hostile(clean, () -> LONGS[random.nextInt(LONGS.length)]));
        inner.put("tag", nullable(() -> string(clean)));
        return inner;
    }

    private GenericRecord otherInner() {
        GenericRecord other = new GenericData.Record(OTHER_INNER);
        other.put("n", 5L);
        other.put("name", "other");
        return other;
    }

    /** Mostly a good value; in a hostile record sometimes null or a value of the wrong Java class. */
    private Object hostile(boolean clean, Supplier<Object> good) {
        if (!clean) {
            int dice = random.nextInt(30);
            if (dice == 0) {
                return null;
            }
            if (dice == 1) {
                return "not a number";
            }
            if (dice == 2) {
                return 3;
            }
            if (dice == 3) {
                return 2.5f;
            }
        }
        return good.get();
    }

    private Object nullable(Supplier<Object> good) {
        return random.nextInt(3) == 0 ? null : good.get();
    }

    /** A string as a producer builds it ({@code String}) or as Avro decodes it ({@code Utf8}), sometimes malformed. */
    private Object string(boolean clean) {
        String value = STRINGS[random.nextInt(STRINGS.length)];
        int form = random.nextInt(10);
        if (!clean && form == 0) {
            byte[][] malformed = {{'a', (byte) 0xC3}, {(byte) 0xFF, 'a'}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0x80}, {'a', (byte) 0xE2, (byte) 0x82}};
            return new Utf8(malformed[random.nextInt(malformed.length)]);
        }
        if (!clean && form == 1) {
            return "a\uD83D"; // a lone surrogate: only a String can hold it
        }
        if (form < 5) {
            return value;
        }
        Utf8 utf8 = new Utf8(value.getBytes(StandardCharsets.UTF_8));
        if (form == 9) {
            // a reused Utf8 whose array is longer than its content, as a decoder leaves it
            Utf8 reused = new Utf8("a much longer previous value that leaves a longer array");
            reused.set(utf8);
            return reused;
        }
        return utf8;
    }
}
