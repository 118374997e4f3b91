package io.meshstreams.internal.contract;

import java.nio.charset.StandardCharsets;
import org.apache.avro.util.Utf8;

/**
 * String operations on Avro strings, which are {@link Utf8} (as decoded) or {@link String} (as built
 * by hand), without turning a {@code Utf8} into a {@code String}. For well-formed UTF-8 every
 * operation here gives what the same operation gives on the decoded string, which is what dev.cel
 * sees ({@code Utf8.toString()}); malformed UTF-8 takes the {@code toString()} path.
 */
final class Utf8Text {
    private Utf8Text() {
    }

    /** Code points in the string, as CEL's {@code size(string)} counts them. */
    static long size(CharSequence text) {
        if (text instanceof Utf8) {
            Utf8 utf8 = (Utf8) text;
            byte[] bytes = utf8.getBytes();
            int length = utf8.getByteLength();
            if (isWellFormed(bytes, length)) {
                int count = 0;
                for (int i = 0; i < length; i++) {
                    if ((bytes[i] & 0xC0) != 0x80) {
                        count++;
                    }
                }
                return count;
            }
        }
        String string = text.toString();
        return string.codePointCount(0, string.length());
    }

    /** The text's UTF-8 bytes, exactly as long as the text (no copy for a well-fitted Utf8). */
    static byte[] exactBytes(Utf8 utf8) {
        byte[] bytes = utf8.getBytes();
        int length = utf8.getByteLength();
        return bytes.length == length ? bytes : java.util.Arrays.copyOf(bytes, length);
    }

    /**
     * Whether the text equals a literal. {@code literalMayMatchMalformed} is true when the literal
     * contains U+FFFD, the character that malformed UTF-8 decodes to.
     */
    static boolean equalsLiteral(CharSequence text, StringLiteral literal) {
        if (text instanceof String) {
            return text.equals(literal.string);
        }
        if (text instanceof Utf8 && literal.byteSafe) {
            Utf8 utf8 = (Utf8) text;
            int length = utf8.getByteLength();
            byte[] lit = literal.utf8;
            if (length == lit.length && java.util.Arrays.equals(utf8.getBytes(), 0, length, lit, 0, length)) {
                return true;
            }
            if (!literal.hasReplacementChar || isWellFormed(utf8.getBytes(), length)) {
                return false;
            }
        }
        return text.toString().equals(literal.string);
    }

    static boolean startsWith(CharSequence text, StringLiteral prefix) {
        if (text instanceof Utf8 && prefix.byteSafe) {
            Utf8 utf8 = (Utf8) text;
            byte[] bytes = utf8.getBytes();
            int length = utf8.getByteLength();
            if (isWellFormed(bytes, length)) {
                byte[] p = prefix.utf8;
                return length >= p.length && java.util.Arrays.equals(bytes, 0, p.length, p, 0, p.length);
            }
        }
        return text.toString().startsWith(prefix.string);
    }

    static boolean endsWith(CharSequence text, StringLiteral suffix) {
        if (text instanceof Utf8 && suffix.byteSafe) {
            Utf8 utf8 = (Utf8) text;
            byte[] bytes = utf8.getBytes();
            int length = utf8.getByteLength();
            if (isWellFormed(bytes, length)) {
                byte[] s = suffix.utf8;
                return length >= s.length
                        && java.util.Arrays.equals(bytes, length - s.length, length, s, 0, s.length);
            }
        }
        return text.toString().endsWith(suffix.string);
    }

    static boolean contains(CharSequence text, StringLiteral part) {
        if (text instanceof Utf8 && part.byteSafe) {
            Utf8 utf8 = (Utf8) text;
            byte[] bytes = utf8.getBytes();
            int length = utf8.getByteLength();
            if (isWellFormed(bytes, length)) {
                return indexOf(bytes, length, part.utf8) >= 0;
            }
        }
        return text.toString().contains(part.string);
    }

    private static int indexOf(byte[] bytes, int length, byte[] part) {
        if (part.length == 0) {
            return 0;
        }
        byte first = part[0];
        int last = length - part.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Whether the bytes are well-formed UTF-8 as Java's decoder accepts it: no overlong forms, no
     * encoded surrogates, nothing above U+10FFFF, no truncated sequence.
     */
    static boolean isWellFormed(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            if (b < 0xC2) {
                return false; // continuation byte, or overlong 2-byte lead
            }
            if (b < 0xE0) {
                if (i + 1 >= length || !isContinuation(bytes[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (b < 0xF0) {
                if (i + 2 >= length) {
                    return false;
                }
                int b1 = bytes[i + 1] & 0xFF;
                if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || !isContinuation(bytes[i + 1])
                        || !isContinuation(bytes[i + 2])) {
                    return false; // overlong, surrogate, or not a continuation
                }
                i += 3;
            } else if (b < 0xF5) {
                if (i + 3 >= length) {
                    return false;
                }
                int b1 = bytes[i + 1] & 0xFF;
                if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F) || !isContinuation(bytes[i + 1])
                        || !isContinuation(bytes[i + 2]) || !isContinuation(bytes[i + 3])) {
                    return false; // overlong, above U+10FFFF, or not a continuation
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** A string literal of an expression, with its UTF-8 bytes computed once. */
    static final class StringLiteral {
        final String string;
        final byte[] utf8;
        final boolean hasReplacementChar;
        /** False if the literal has an unpaired surrogate, which has no UTF-8 form: compare strings. */
        final boolean byteSafe;

        StringLiteral(String string) {
            this.string = string;
            this.utf8 = string.getBytes(StandardCharsets.UTF_8);
            this.hasReplacementChar = string.indexOf('\uFFFD') >= 0;
            this.byteSafe = new String(utf8, StandardCharsets.UTF_8).equals(string);
        }
    }
}
