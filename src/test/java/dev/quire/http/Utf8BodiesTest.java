package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8BodiesTest {

    @Test
    void passesEveryWellFormedSequenceAtEachBoundary() throws IOException {
        for (int codePoint : new int[] {0x01, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000,
            0x10FFFF}) {
            byte[] bytes = ("a" + Character.toString(codePoint) + "b").getBytes(StandardCharsets.UTF_8);
            assertThat(read(bytes)).as(Integer.toHexString(codePoint)).isEqualTo(bytes);
        }
    }

    @Test
    void refusesOverlongFormsSurrogatesAndWhatIsPastUnicode() {
        int[][] malformed = {{0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xE0, 0x9F, 0xBF},
            {0xF0, 0x8F, 0xBF, 0xBF}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80},
            {0xF5, 0x80, 0x80, 0x80}, {0xFF}, {0x80}, {0xC3, 0x28}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, {0x00}};
        for (int[] sequence : malformed) {
            byte[] bytes = new byte[sequence.length + 1];
            bytes[0] = 'a';
            for (int i = 0; i < sequence.length; i++) {
                bytes[i + 1] = (byte) sequence[i];
            }
            assertThatThrownBy(() -> read(bytes)).as(java.util.Arrays.toString(sequence))
                    .isInstanceOf(Utf8Bodies.MalformedException.class)
                    .hasMessageContaining("at byte ");
        }
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        var random = new Random(14);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly bytes that start or continue multi-byte sequences; never zero, which only Quire refuses
                bytes[i] = (byte) (random.nextInt(4) == 0 ? 1 + random.nextInt(0x7F) : 0x80 + random.nextInt(0x80));
            }
            boolean jdk = decodesStrictly(bytes);
            boolean quire;
            try {
                read(bytes);
                quire = true;
            } catch (IOException e) {
                quire = false;
            }
            assertThat(quire).as(java.util.HexFormat.of().formatHex(bytes)).isEqualTo(jdk);
        }
    }

    private static boolean decodesStrictly(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Reads through the check in small reads, so sequences are split across reads, as they are on the wire. */
    private static byte[] read(byte[] bytes) throws IOException {
        try (var in = new Utf8Bodies.Checked(new ByteArrayInputStream(bytes))) {
            var out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[3];
            int first = in.read();
            if (first >= 0) {
                out.write(first);
            }
            for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }
}
