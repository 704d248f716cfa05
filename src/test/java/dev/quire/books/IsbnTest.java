package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IsbnTest {

    @ParameterizedTest
    @CsvSource({
        "9780441172719, 9780441172719",
        "978-0-441-17271-9, 9780441172719",
        "0441172717, 9780441172719",
        "0-441-17271-7, 9780441172719",
        "080442957X, 9780804429573",
        "080442957x, 9780804429573",
        "979-10-90636-07-1, 9791090636071",
    })
    void validNumbersAreKeptAsIsbn13(String text, String expected) {
        assertThat(Isbn.normalize(text)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9780441172718", "0441172718", "977044117271", "97804411727190", "abcdefghij",
        "978044117271X", "X441172717", "", "12345"})
    void numbersWithAWrongCheckDigitOrShapeAreRefused(String text) {
        assertThat(Isbn.normalize(text)).isEmpty();
    }
}
