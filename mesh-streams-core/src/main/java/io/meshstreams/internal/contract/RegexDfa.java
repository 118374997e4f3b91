package io.meshstreams.internal.contract;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A regular expression of the common RE2 subset, compiled to a deterministic automaton that answers
 * CEL's {@code matches} (an unanchored search: is there a match anywhere?) in one pass over the text,
 * in time linear in its length, without allocating. re2j, which dev.cel uses, takes about a
 * microsecond for {@code ^[^@]+@[^@]+$} on a short address; this takes tens of nanoseconds.
 *
 * <p>The subset, with RE2's meaning (no flags: case-sensitive, {@code .} matches anything but
 * {@code \n}, {@code ^} and {@code $} match only at the start and end of the text): literals,
 * {@code .}, classes {@code [...]} and {@code [^...]} with ranges, {@code \d \w \s \D \W \S} (ASCII,
 * {@code \s} is {@code [\t\n\f\r ]}), escaped punctuation, {@code \n \t \r \f \v}, {@code \xHH},
 * {@code \x{H...}}, {@code ^ $ \A \z}, groups {@code (...)} and {@code (?:...)}, {@code |}, and the
 * quantifiers {@code * + ? {n} {n,} {n,m}} (greedy or lazy, which does not change whether there is a
 * match). {@link #compile} returns null for anything else (flags, {@code \b}, {@code \p{..}}, POSIX
 * classes, ...) and for automata over {@value #MAX_DFA_STATES} states; re2j then does the work.
 */
final class RegexDfa {
    static final int MAX_NFA_STATES = 4_000;
    static final int MAX_DFA_STATES = 2_000;

    /** Alphabet class of each ASCII code point. */
    private final byte[] asciiClass;
    /** Lower bounds of the alphabet classes above ASCII, for a binary search. */
    private final int[] classStarts;
    private final int classes;
    /** transitions[state * classes + class]: the next state; -1 is dead. */
    private final int[] transitions;
    private final boolean[] acceptNow;
    private final boolean[] acceptAtEnd;

    private RegexDfa(byte[] asciiClass, int[] classStarts, int classes, int[] transitions, boolean[] acceptNow,
            boolean[] acceptAtEnd) {
        this.asciiClass = asciiClass;
        this.classStarts = classStarts;
        this.classes = classes;
        this.transitions = transitions;
        this.acceptNow = acceptNow;
        this.acceptAtEnd = acceptAtEnd;
    }

    /** The automaton of the pattern, or null if the pattern is outside the subset or too big. */
    static @Nullable RegexDfa compile(String pattern) {
        try {
            Node node = new Parser(pattern).parseAll();
            Nfa nfa = new Nfa();
            int start = nfa.build(node, nfa.add(Nfa.MATCH, null, -1, -1));
            return Builder.build(nfa, start);
        } catch (Unsupported unsupported) {
            return null;
        }
    }

    /** Whether the pattern matches anywhere in the text (Java's UTF-16 text, by code point). */
    boolean find(CharSequence text) {
        int state = 0;
        if (acceptNow[0]) {
            return true;
        }
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i++);
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i < length && Character.isLowSurrogate(text.charAt(i))) {
                codePoint = Character.toCodePoint(c, text.charAt(i++));
            }
            state = transitions[state * classes + classOf(codePoint)];
            if (state < 0) {
                return false;
            }
            if (acceptNow[state]) {
                return true;
            }
        }
        return acceptAtEnd[state];
    }

    /**
     * Whether the pattern matches anywhere in UTF-8 text: 1 if it does, 0 if it does not, -1 if the
     * bytes are not well-formed UTF-8 (the caller then decodes them as Java does and asks again).
     */
    int find(byte[] bytes, int length) {
        int state = 0;
        if (acceptNow[0]) {
            return Utf8Text.isWellFormed(bytes, length) ? 1 : -1;
        }
        int i = 0;
        while (i < length) {
            int b = bytes[i];
            int codePoint;
            if (b >= 0) {
                codePoint = b;
                i++;
            } else {
                int size = sequenceLength(bytes, i, length);
                if (size < 0) {
                    return -1;
                }
                codePoint = decode(bytes, i, size);
                i += size;
            }
            state = transitions[state * classes + classOf(codePoint)];
            if (state < 0) {
                return Utf8Text.isWellFormed(bytes, length) ? 0 : -1;
            }
            if (acceptNow[state]) {
                return Utf8Text.isWellFormed(bytes, length) ? 1 : -1;
            }
        }
        return acceptAtEnd[state] ? 1 : 0;
    }

    /** The length of the well-formed sequence at {@code i}, or -1. */
    private static int sequenceLength(byte[] bytes, int i, int length) {
        int b = bytes[i] & 0xFF;
        if (b < 0xC2) {
            return -1;
        }
        if (b < 0xE0) {
            return i + 1 < length && (bytes[i + 1] & 0xC0) == 0x80 ? 2 : -1;
        }
        if (b < 0xF0) {
            if (i + 2 >= length) {
                return -1;
            }
            int b1 = bytes[i + 1] & 0xFF;
            if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || (b1 & 0xC0) != 0x80
                    || (bytes[i + 2] & 0xC0) != 0x80) {
                return -1;
            }
            return 3;
        }
        if (b < 0xF5) {
            if (i + 3 >= length) {
                return -1;
            }
            int b1 = bytes[i + 1] & 0xFF;
            if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F) || (b1 & 0xC0) != 0x80
                    || (bytes[i + 2] & 0xC0) != 0x80 || (bytes[i + 3] & 0xC0) != 0x80) {
                return -1;
            }
            return 4;
        }
        return -1;
    }

    private static int decode(byte[] bytes, int i, int size) {
        switch (size) {
            case 2:
                return ((bytes[i] & 0x1F) << 6) | (bytes[i + 1] & 0x3F);
            case 3:
                return ((bytes[i] & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
            default:
                return ((bytes[i] & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6)
                        | (bytes[i + 3] & 0x3F);
        }
    }

    private int classOf(int codePoint) {
        if (codePoint < 128) {
            return asciiClass[codePoint];
        }
        int index = Arrays.binarySearch(classStarts, codePoint);
        return index >= 0 ? index : -index - 2;
    }

    // ------------------------------------------------------------------ parsing

    private static final class Unsupported extends RuntimeException {
        static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super("outside the DFA subset", null, false, false);
        }
    }

    /** A pattern's syntax tree. */
    private abstract static class Node {
    }

    /** One code point out of a set, as sorted, disjoint, inclusive ranges {@code [lo0, hi0, lo1, hi1...]}. */
    private static final class CharSet extends Node {
        final int[] ranges;

        CharSet(int[] ranges) {
            this.ranges = ranges;
        }
    }

    private static final class Concat extends Node {
        final List<Node> parts;

        Concat(List<Node> parts) {
            this.parts = parts;
        }
    }

    private static final class Alternation extends Node {
        final List<Node> branches;

        Alternation(List<Node> branches) {
            this.branches = branches;
        }
    }

    private static final class Repeat extends Node {
        final Node node;
        final int min;
        final int max; // -1: unbounded

        Repeat(Node node, int min, int max) {
            this.node = node;
            this.min = min;
            this.max = max;
        }
    }

    private static final class Assertion extends Node {
        final boolean begin;

        Assertion(boolean begin) {
            this.begin = begin;
        }
    }

    private static final int MAX_CODE_POINT = Character.MAX_CODE_POINT;
    private static final int[] DIGIT = {'0', '9'};
    private static final int[] WORD = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
    private static final int[] SPACE = {'\t', '\n', '\f', '\r', ' ', ' '};
    private static final int[] ANY_BUT_NEWLINE = {0, '\n' - 1, '\n' + 1, MAX_CODE_POINT};

    private static final class Parser {
        private final String pattern;
        private int pos;

        Parser(String pattern) {
            this.pattern = pattern;
        }

        Node parseAll() {
            Node node = alternation();
            if (pos != pattern.length()) {
                throw Unsupported.INSTANCE; // an unbalanced ')'
            }
            return node;
        }

        private Node alternation() {
            List<Node> branches = new ArrayList<>();
            branches.add(concatenation());
            while (pos < pattern.length() && pattern.charAt(pos) == '|') {
                pos++;
                branches.add(concatenation());
            }
            return branches.size() == 1 ? branches.get(0) : new Alternation(branches);
        }

        private Node concatenation() {
            List<Node> parts = new ArrayList<>();
            while (pos < pattern.length() && pattern.charAt(pos) != '|' && pattern.charAt(pos) != ')') {
                parts.add(quantified());
            }
            return new Concat(parts);
        }

        private Node quantified() {
            Node atom = atom();
            if (pos >= pattern.length()) {
                return atom;
            }
            char c = pattern.charAt(pos);
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = -1;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = -1;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{') {
                int[] bounds = repeatBounds();
                min = bounds[0];
                max = bounds[1];
            } else {
                return atom;
            }
            if (atom instanceof Assertion) {
                throw Unsupported.INSTANCE;
            }
            if (pos < pattern.length() && pattern.charAt(pos) == '?') {
                pos++; // lazy: the same set of matches
            }
            if (pos < pattern.length() && "*+?{".indexOf(pattern.charAt(pos)) >= 0) {
                throw Unsupported.INSTANCE; // nested repetition
            }
            return new Repeat(atom, min, max);
        }

        /** {@code {n}}, {@code {n,}} or {@code {n,m}}; anything else is left to re2j. */
        private int[] repeatBounds() {
            int close = pattern.indexOf('}', pos);
            if (close < 0) {
                throw Unsupported.INSTANCE;
            }
            String inside = pattern.substring(pos + 1, close);
            if (!inside.matches("[0-9]{1,4}(,[0-9]{0,4})?")) {
                throw Unsupported.INSTANCE;
            }
            int comma = inside.indexOf(',');
            int min = Integer.parseInt(comma < 0 ? inside : inside.substring(0, comma));
            int max = comma < 0 ? min : comma == inside.length() - 1 ? -1 : Integer.parseInt(inside.substring(comma + 1));
            if (min > 1000 || max > 1000 || (max >= 0 && max < min)) {
                throw Unsupported.INSTANCE;
            }
            pos = close + 1;
            return new int[] {min, max};
        }

        private Node atom() {
            int c = pattern.codePointAt(pos);
            switch (c) {
                case '(': {
                    pos++;
                    if (pattern.startsWith("?:", pos)) {
                        pos += 2;
                    } else if (pos < pattern.length() && pattern.charAt(pos) == '?') {
                        throw Unsupported.INSTANCE; // flags, named groups
                    }
                    Node inner = alternation();
                    if (pos >= pattern.length() || pattern.charAt(pos) != ')') {
                        throw Unsupported.INSTANCE;
                    }
                    pos++;
                    return inner;
                }
                case '[':
                    return charClass();
                case '.':
                    pos++;
                    return new CharSet(ANY_BUT_NEWLINE);
                case '^':
                    pos++;
                    return new Assertion(true);
                case '$':
                    pos++;
                    return new Assertion(false);
                case '\\':
                    return escape();
                case '*':
                case '+':
                case '?':
                case '{':
                case ')':
                    throw Unsupported.INSTANCE;
                default:
                    pos += Character.charCount(c);
                    return new CharSet(new int[] {c, c});
            }
        }

        private Node escape() {
            pos++;
            if (pos >= pattern.length()) {
                throw Unsupported.INSTANCE;
            }
            char c = pattern.charAt(pos);
            if (c == 'A') {
                pos++;
                return new Assertion(true);
            }
            if (c == 'z') {
                pos++;
                return new Assertion(false);
            }
            return new CharSet(escapedSet());
        }

        /** The set of an escape at {@code pos} (just after the backslash), inside or outside a class. */
        private int[] escapedSet() {
            char c = pattern.charAt(pos++);
            switch (c) {
                case 'd':
                    return DIGIT;
                case 'D':
                    return complement(DIGIT);
                case 'w':
                    return WORD;
                case 'W':
                    return complement(WORD);
                case 's':
                    return SPACE;
                case 'S':
                    return complement(SPACE);
                case 'n':
                    return single('\n');
                case 't':
                    return single('\t');
                case 'r':
                    return single('\r');
                case 'f':
                    return single('\f');
                case 'v':
                    return single(0x0B);
                case 'x':
                    return single(hexEscape());
                default:
                    if (c < 128 && !Character.isLetterOrDigit(c)) {
                        return single(c); // escaped punctuation
                    }
                    throw Unsupported.INSTANCE;
            }
        }

        private int hexEscape() {
            if (pos < pattern.length() && pattern.charAt(pos) == '{') {
                int close = pattern.indexOf('}', pos);
                if (close < 0) {
                    throw Unsupported.INSTANCE;
                }
                String hex = pattern.substring(pos + 1, close);
                pos = close + 1;
                return hexValue(hex, 1, 8);
            }
            if (pos + 2 > pattern.length()) {
                throw Unsupported.INSTANCE;
            }
            String hex = pattern.substring(pos, pos + 2);
            pos += 2;
            return hexValue(hex, 2, 2);
        }

        private static int hexValue(String hex, int minDigits, int maxDigits) {
            if (hex.length() < minDigits || hex.length() > maxDigits || !hex.matches("[0-9A-Fa-f]+")) {
                throw Unsupported.INSTANCE;
            }
            long value = Long.parseLong(hex, 16);
            if (value > MAX_CODE_POINT) {
                throw Unsupported.INSTANCE;
            }
            return (int) value;
        }

        private Node charClass() {
            pos++; // '['
            boolean negated = false;
            if (pos < pattern.length() && pattern.charAt(pos) == '^') {
                negated = true;
                pos++;
            }
            List<int[]> sets = new ArrayList<>();
            boolean first = true;
            while (true) {
                if (pos >= pattern.length()) {
                    throw Unsupported.INSTANCE;
                }
                char c = pattern.charAt(pos);
                if (c == ']' && !first) {
                    pos++;
                    break;
                }
                if (c == '[' && pattern.startsWith("[:", pos)) {
                    throw Unsupported.INSTANCE; // POSIX classes
                }
                first = false;
                int lo;
                if (c == '\\') {
                    pos++;
                    if (pos >= pattern.length()) {
                        throw Unsupported.INSTANCE;
                    }
                    int[] set = escapedSet();
                    if (set.length != 2 || set[0] != set[1]) {
                        sets.add(set); // \d and friends: not a range end
                        continue;
                    }
                    lo = set[0];
                } else {
                    lo = pattern.codePointAt(pos);
                    pos += Character.charCount(lo);
                }
                int hi = lo;
                if (pos + 1 < pattern.length() && pattern.charAt(pos) == '-' && pattern.charAt(pos + 1) != ']') {
                    pos++;
                    char h = pattern.charAt(pos);
                    if (h == '\\') {
                        pos++;
                        if (pos >= pattern.length()) {
                            throw Unsupported.INSTANCE;
                        }
                        int[] set = escapedSet();
                        if (set.length != 2 || set[0] != set[1]) {
                            throw Unsupported.INSTANCE;
                        }
                        hi = set[0];
                    } else {
                        hi = pattern.codePointAt(pos);
                        pos += Character.charCount(hi);
                    }
                    if (hi < lo) {
                        throw Unsupported.INSTANCE;
                    }
                }
                sets.add(new int[] {lo, hi});
            }
            int[] union = union(sets);
            return new CharSet(negated ? complement(union) : union);
        }

        private static int[] single(int c) {
            return new int[] {c, c};
        }
    }

    static int[] union(List<int[]> sets) {
        List<int[]> ranges = new ArrayList<>();
        for (int[] set : sets) {
            for (int i = 0; i < set.length; i += 2) {
                ranges.add(new int[] {set[i], set[i + 1]});
            }
        }
        ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> merged = new ArrayList<>();
        for (int[] range : ranges) {
            int size = merged.size();
            if (size > 0 && range[0] <= merged.get(size - 1) + 1) {
                merged.set(size - 1, Math.max(merged.get(size - 1), range[1]));
            } else {
                merged.add(range[0]);
                merged.add(range[1]);
            }
        }
        return merged.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] complement(int[] ranges) {
        List<Integer> result = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] > next) {
                result.add(next);
                result.add(ranges[i] - 1);
            }
            next = ranges[i + 1] + 1;
        }
        if (next <= MAX_CODE_POINT) {
            result.add(next);
            result.add(MAX_CODE_POINT);
        }
        return result.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ NFA

    /** A Thompson automaton: states with one kind each, built back to front. */
    private static final class Nfa {
        static final int MATCH = 0;
        static final int CHAR = 1;
        static final int SPLIT = 2;
        static final int EPSILON = 3;
        static final int BEGIN = 4;
        static final int END = 5;

        final List<Integer> kinds = new ArrayList<>();
        final List<int @Nullable []> sets = new ArrayList<>();
        final List<Integer> next1 = new ArrayList<>();
        final List<Integer> next2 = new ArrayList<>();

        int add(int kind, int @Nullable [] set, int out1, int out2) {
            if (kinds.size() >= MAX_NFA_STATES) {
                throw Unsupported.INSTANCE;
            }
            kinds.add(kind);
            sets.add(set);
            next1.add(out1);
            next2.add(out2);
            return kinds.size() - 1;
        }

        /** The start state of {@code node}, which continues to {@code next}. */
        int build(Node node, int next) {
            if (node instanceof CharSet) {
                return add(CHAR, ((CharSet) node).ranges, next, -1);
            }
            if (node instanceof Assertion) {
                return add(((Assertion) node).begin ? BEGIN : END, null, next, -1);
            }
            if (node instanceof Concat) {
                List<Node> parts = ((Concat) node).parts;
                int current = next;
                for (int i = parts.size() - 1; i >= 0; i--) {
                    current = build(parts.get(i), current);
                }
                return current;
            }
            if (node instanceof Alternation) {
                List<Node> branches = ((Alternation) node).branches;
                int current = build(branches.get(branches.size() - 1), next);
                for (int i = branches.size() - 2; i >= 0; i--) {
                    current = add(SPLIT, null, build(branches.get(i), next), current);
                }
                return current;
            }
            Repeat repeat = (Repeat) node;
            int current = next;
            if (repeat.max < 0) {
                // x*: a loop through a split
                int loop = add(SPLIT, null, -1, next);
                int body = build(repeat.node, loop);
                next1.set(loop, body);
                current = loop;
            } else {
                for (int i = repeat.min; i < repeat.max; i++) {
                    int body = build(repeat.node, current);
                    current = add(SPLIT, null, body, next);
                }
            }
            for (int i = 0; i < repeat.min; i++) {
                current = build(repeat.node, current);
            }
            return current;
        }
    }

    // ------------------------------------------------------------------ DFA

    private static final class Builder {
        private final Nfa nfa;
        private final int[] classStarts;
        private final List<BitSet> states = new ArrayList<>();
        private final Map<BitSet, Integer> index = new HashMap<>();

        private Builder(Nfa nfa, int[] classStarts) {
            this.nfa = nfa;
            this.classStarts = classStarts;
        }

        static RegexDfa build(Nfa nfa, int start) {
            TreeSet<Integer> bounds = new TreeSet<>();
            bounds.add(0);
            for (int i = 0; i < 128; i++) {
                bounds.add(i); // ASCII code points each get a class of their own
            }
            bounds.add(128);
            for (int[] set : nfa.sets) {
                if (set != null) {
                    for (int i = 0; i < set.length; i += 2) {
                        bounds.add(set[i]);
                        if (set[i + 1] < MAX_CODE_POINT) {
                            bounds.add(set[i + 1] + 1);
                        }
                    }
                }
            }
            int[] classStarts = bounds.stream().mapToInt(Integer::intValue).toArray();
            Builder builder = new Builder(nfa, classStarts);
            return builder.run(start);
        }

        private RegexDfa run(int start) {
            int classes = classStarts.length;
            BitSet restart = closure(single(start), false, false);
            BitSet initial = closure(single(start), true, false);
            // the initial state is at offset 0, where ^ holds: keep it apart from equal later states
            states.add(initial);
            List<int[]> rows = new ArrayList<>();
            Deque<Integer> work = new ArrayDeque<>();
            work.add(0);
            while (!work.isEmpty()) {
                int state = work.poll();
                BitSet set = states.get(state);
                int[] row = new int[classes];
                for (int c = 0; c < classes; c++) {
                    BitSet moved = new BitSet();
                    int codePoint = classStarts[c];
                    for (int s = set.nextSetBit(0); s >= 0; s = set.nextSetBit(s + 1)) {
                        if (nfa.kinds.get(s) == Nfa.CHAR && contains(nfa.sets.get(s), codePoint)) {
                            moved.set(nfa.next1.get(s));
                        }
                    }
                    BitSet next = closure(moved, false, false);
                    next.or(restart);
                    if (next.isEmpty()) {
                        row[c] = -1;
                        continue;
                    }
                    Integer known = index.get(next);
                    if (known == null) {
                        if (states.size() >= MAX_DFA_STATES) {
                            throw Unsupported.INSTANCE;
                        }
                        known = states.size();
                        states.add(next);
                        index.put(next, known);
                        work.add(known);
                    }
                    row[c] = known;
                }
                while (rows.size() <= state) {
                    rows.add(null);
                }
                rows.set(state, row);
            }
            int count = states.size();
            int[] transitions = new int[count * classes];
            boolean[] acceptNow = new boolean[count];
            boolean[] acceptAtEnd = new boolean[count];
            for (int s = 0; s < count; s++) {
                System.arraycopy(rows.get(s), 0, transitions, s * classes, classes);
                BitSet set = states.get(s);
                acceptNow[s] = set.get(matchState());
                acceptAtEnd[s] = closure(set, s == 0, true).get(matchState());
            }
            byte[] asciiClass = new byte[128];
            for (int c = 0; c < 128; c++) {
                asciiClass[c] = (byte) c; // classes 0..127 are the ASCII code points themselves
            }
            return new RegexDfa(asciiClass, classStarts, classes, transitions, acceptNow, acceptAtEnd);
        }

        private int matchState() {
            return 0; // the first state added is MATCH
        }

        private static BitSet single(int state) {
            BitSet set = new BitSet();
            set.set(state);
            return set;
        }

        /** The states reachable without reading: through splits, and through ^ or $ where they hold. */
        private BitSet closure(BitSet from, boolean atBegin, boolean atEnd) {
            BitSet result = new BitSet();
            Deque<Integer> stack = new ArrayDeque<>();
            for (int s = from.nextSetBit(0); s >= 0; s = from.nextSetBit(s + 1)) {
                stack.push(s);
            }
            while (!stack.isEmpty()) {
                int s = stack.pop();
                if (result.get(s)) {
                    continue;
                }
                result.set(s);
                switch (nfa.kinds.get(s)) {
                    case Nfa.SPLIT:
                        stack.push(nfa.next1.get(s));
                        stack.push(nfa.next2.get(s));
                        break;
                    case Nfa.EPSILON:
                        stack.push(nfa.next1.get(s));
                        break;
                    case Nfa.BEGIN:
                        if (atBegin) {
                            stack.push(nfa.next1.get(s));
                        }
                        break;
                    case Nfa.END:
                        if (atEnd) {
                            stack.push(nfa.next1.get(s));
                        }
                        break;
                    default:
                        break;
                }
            }
            return result;
        }

        private static boolean contains(int[] ranges, int codePoint) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }
}
