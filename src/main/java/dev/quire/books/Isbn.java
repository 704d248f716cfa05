package dev.quire.books;

import java.util.Optional;

/**
 * International Standard Book Numbers: ISBN-10 and ISBN-13, with or without hyphens and spaces, checked by
 * their check digits. Kept as ISBN-13, so that both numbers of one book are recognised as the same.
 */
final class Isbn {
    /** The longest ISBN accepted as written, hyphens and spaces included, as the OpenAPI document says. */
    static final int MAX_LENGTH = 32;

    private Isbn() {}

    /** The ISBN-13 of a valid ISBN-10 or ISBN-13, or empty when the text is neither (or longer than 32). */
    static Optional<String> normalize(String text) {
        if (text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String digits = text.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
        if (digits.matches("[0-9]{9}[0-9X]") && isbn10CheckDigitHolds(digits)) {
            String body = "978" + digits.substring(0, 9);
            return Optional.of(body + isbn13CheckDigit(body));
        }
        if (digits.matches("97[89][0-9]{10}") && isbn13CheckDigit(digits.substring(0, 12)) == digits.charAt(12)) {
            return Optional.of(digits);
        }
        return Optional.empty();
    }

    private static boolean isbn10CheckDigitHolds(String digits) {
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            char c = digits.charAt(i);
            int value = c == 'X' ? 10 : c - '0';
            sum += (10 - i) * value;
        }
        return sum % 11 == 0;
    }

    private static char isbn13CheckDigit(String twelveDigits) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (twelveDigits.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }
}
