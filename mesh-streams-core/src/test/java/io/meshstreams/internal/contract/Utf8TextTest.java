package io.meshstreams.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** Byte-level string operations agree with the same operations on the string Java decodes. */
class Utf8TextTest {

    @Test
    void wellFormedMeansJavasStrictDecoderAcceptsIt() {
        // given
        Random random = new Random(7);
        byte[] interesting = {0x00, 0x41, 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC2, (byte) 0xDF,
            (byte) 0xE0, (byte) 0xA0, (byte) 0xED, (byte) 0x9F, (byte) 0xEF, (byte) 0xF0, (byte) 0x90, (byte) 0xF4,
            (byte) 0x8F, (byte) 0xF5, (byte) 0xFF};

        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[random.nextInt(6)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = interesting[random.nextInt(interesting.length)];
            }

            // when
            boolean wellFormed = Utf8Text.isWellFormed(bytes, bytes.length);

            // then
            assertThat(wellFormed).as(java.util.Arrays.toString(bytes)).isEqualTo(strictlyDecodes(bytes));
        }
    }

    @Test
    void sizeCountsCodePointsAsCelDoes() {
        // given
        String text = "aé日😀";

        // when / then
        assertThat(Utf8Text.size(text)).isEqualTo(4);
        assertThat(Utf8Text.size(new Utf8(text))).isEqualTo(4);
        assertThat(Utf8Text.size(new Utf8(new byte[] {'a', (byte) 0xFF}))).isEqualTo(2); // as decoded: "a\uFFFD"
        assertThat(Utf8Text.size("a\uD83D")).isEqualTo(2); // a lone surrogate counts once, as in Java
    }

    @Test
    void literalWithReplacementCharacterMatchesMalformedUtf8AsDecoded() {
        // given
        Utf8Text.StringLiteral replacement = new Utf8Text.StringLiteral("a\uFFFD");

        // when / then
        assertThat(Utf8Text.equalsLiteral(new Utf8(new byte[] {'a', (byte) 0xFF}), replacement)).isTrue();
        assertThat(Utf8Text.equalsLiteral(new Utf8("a\uFFFD"), replacement)).isTrue();
        assertThat(Utf8Text.equalsLiteral(new Utf8("ab"), replacement)).isFalse();
    }

    private static boolean strictlyDecodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
