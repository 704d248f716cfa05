package dev.quire.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n\r\u000b\f", "\u00a0", "\u1680", "\u2000\u200a", "\u2007", "\u2028\u2029",
        "\u202f", "\u205f", "\u3000", "\u0085", "\u200b", "\u2060", "\ufeff", " \u3000\u00a0\u200b "})
    void whiteSpaceOfAnyKindIsBlank(String text) {
        assertThat(Text.isBlank(text)).isTrue();
        assertThat(Text.strip(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "\u0007", "\u0000", "\u001c", "\u200d", "\u00ad", "é", "\uD83D\uDE00"})
    void anythingElseIsNot(String text) {
        assertThat(Text.isBlank(text)).as(text).isFalse();
        assertThat(Text.strip(" " + text + "\u3000")).isEqualTo(text);
    }

    @Test
    void stripsTheEndsOnlyAndKeepsControlCharactersForTheCheckToRefuse() {
        assertThat(Text.strip("\u3000 Buy\u00a0milk\t\n")).isEqualTo("Buy\u00a0milk");
        assertThat(Text.strip("bell\u0007 ")).isEqualTo("bell\u0007");
        assertThat(Text.isUnsafe(Text.strip("bell\u0007 "), false)).isTrue();
        assertThat(Text.isUnsafe("two\nlines", false)).isTrue();
        assertThat(Text.isUnsafe("two\nlines", true)).isFalse();
    }
}
