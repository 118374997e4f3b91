package io.meshstreams.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RegexDfa} answers CEL's {@code matches} exactly as re2j's unanchored {@code find} does (which
 * is what dev.cel runs), on Java strings and on UTF-8 bytes.
 */
class RegexDfaTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("^[^@]+@[^@]+$", "ada@example.com", true),
                arguments("^[^@]+@[^@]+$", "ada@@example.com", false),
                arguments("^[^@]+@[^@]+$", "ada@example.com\n", true),
                arguments("^[^@]+@[^@]+$", "@example.com", false),
                arguments("^[A-Z]{3}$", "EUR", true),
                arguments("^[A-Z]{3}$", "EURO", false),
                arguments("^[A-Z]{3}$", "eur", false),
                arguments("abc$", "xabc", true),
                arguments("abc$", "abc\n", false),
                arguments("^abc", "x\nabc", false),
                arguments("a.c", "a\nc", false),
                arguments("a.c", "a😀c", true),
                arguments("a[^b]c", "a\nc", true),
                arguments("\\d+-\\d+", "order 12-34", true),
                arguments("\\w+@\\w+\\.com", "me@home.com", true),
                arguments("\\s", "no\u00a0break", false),
                arguments("(?:ab|cd)+e", "xxcdabe", true),
                arguments("colou?r", "color", true),
                arguments("", "anything", true),
                arguments("^$", "", true),
                arguments("^$", "x", false),
                arguments("x*", "", true),
                arguments("[é-ï]", "café", true),
                arguments("\\x{1F600}", "hi 😀", true));
    }

    @ParameterizedTest(name = "/{0}/ on \"{1}\" is {2}")
    @MethodSource("cases")
    void matchesLikeRe2j(String regex, String text, boolean expected) {
        // given
        RegexDfa dfa = RegexDfa.compile(regex);

        // when / then
        assertThat(dfa).as("in the subset").isNotNull();
        assertThat(Pattern.compile(regex).matcher(text).find()).as("re2j").isEqualTo(expected);
        assertThat(dfa.find(text)).as("dfa on a String").isEqualTo(expected);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(dfa.find(utf8, utf8.length)).as("dfa on UTF-8").isEqualTo(expected ? 1 : 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?i)abc", "\\bword\\b", "\\pL+", "[[:alpha:]]", "a{2", "(?P<name>x)", "\\Q.\\E", "\\1",
        "(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)"})
    void leavesOtherPatternsToRe2j(String regex) {
        // when
        RegexDfa dfa = RegexDfa.compile(regex);

        // then
        assertThat(dfa).isNull();
    }

    @Test
    void malformedUtf8IsReportedForTheCallerToDecode() {
        // given
        RegexDfa dfa = RegexDfa.compile("a");
        byte[] malformed = {'a', (byte) 0xC3};

        // when / then
        assertThat(dfa.find(malformed, malformed.length)).isEqualTo(-1);
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'a'};
        assertThat(dfa.find(surrogate, surrogate.length)).isEqualTo(-1);
    }

    @Test
    void agreesWithRe2jOnGeneratedPatternsAndTexts() {
        // given
        Random random = new Random(Long.getLong("contract.differential.seed", 20261126L));
        int patterns = 0;
        int inSubset = 0;
        int comparisons = 0;
        List<String> disagreements = new ArrayList<>();

        // when
        while (patterns < 3_000) {
            String regex = pattern(random, 3);
            Pattern re2j;
            try {
                re2j = Pattern.compile(regex);
            } catch (PatternSyntaxException | IllegalArgumentException invalid) {
                continue;
            }
            patterns++;
            RegexDfa dfa = RegexDfa.compile(regex);
            if (dfa == null) {
                continue;
            }
            inSubset++;
            for (int t = 0; t < 40; t++) {
                String text = text(random, t % 10 == 9);
                boolean expected = re2j.matcher(text).find();
                comparisons++;
                if (dfa.find(text) != expected) {
                    disagreements.add("/" + regex + "/ on \"" + escape(text) + "\": re2j " + expected);
                }
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                if (new String(utf8, StandardCharsets.UTF_8).equals(text)) {
                    if (dfa.find(utf8, utf8.length) != (expected ? 1 : 0)) {
                        disagreements.add("/" + regex + "/ on UTF-8 \"" + escape(text) + "\": re2j " + expected);
                    }
                }
            }
        }

        // then
        assertThat(disagreements).isEmpty();
        assertThat(inSubset).as("patterns in the subset, of " + patterns).isGreaterThan(patterns * 8 / 10);
        assertThat(comparisons).isGreaterThan(90_000);
    }

    private static final String[] ATOMS = {"a", "b", "@", "\\.", ".", " ", "é", "😀", "[ab]", "[^a@]", "[a-c]",
        "[^\\n]", "[\\d_]", "\\d", "\\w", "\\s", "\\S", "\\W", "\\n", "x", "[-a]", "[é-ï]", "\\x41", "\\x{1F600}"};

    private static String pattern(Random random, int depth) {
        StringBuilder pattern = new StringBuilder();
        if (random.nextInt(4) == 0) {
            pattern.append('^');
        }
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            if (depth > 0 && random.nextInt(5) == 0) {
                pattern.append(random.nextBoolean() ? "(" : "(?:").append(pattern(random, depth - 1));
                if (random.nextBoolean()) {
                    pattern.append('|').append(pattern(random, depth - 1));
                }
                pattern.append(')');
            } else {
                pattern.append(ATOMS[random.nextInt(ATOMS.length)]);
            }
            switch (random.nextInt(9)) {
                case 0 -> pattern.append('*');
                case 1 -> pattern.append('+');
                case 2 -> pattern.append('?');
                case 3 -> pattern.append('{').append(random.nextInt(3)).append('}');
                case 4 -> pattern.append('{').append(random.nextInt(2)).append(",}");
                case 5 -> pattern.append("{1,3}");
                case 6 -> pattern.append("*?");
                default -> {
                }
            }
        }
        if (random.nextInt(4) == 0) {
            pattern.append('$');
        }
        if (depth == 3 && random.nextInt(6) == 0) {
            pattern.append('|').append(pattern(random, 1));
        }
        return pattern.toString();
    }

    private static final String[] TEXT_PARTS = {"a", "b", "ab", "@", ".", " ", "\n", "é", "ï", "😀", "x", "1", "_",
        "-", "A", "\t", "\u00a0", "\r"};

    private static String text(Random random, boolean loneSurrogate) {
        StringBuilder text = new StringBuilder();
        int parts = random.nextInt(8);
        for (int i = 0; i < parts; i++) {
            text.append(TEXT_PARTS[random.nextInt(TEXT_PARTS.length)]);
        }
        if (loneSurrogate) {
            text.insert(random.nextInt(text.length() + 1), '\uD83D');
        }
        return text.toString();
    }

    private static String escape(String text) {
        return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
