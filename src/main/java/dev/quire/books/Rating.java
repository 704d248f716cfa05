package dev.quire.books;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** A book's reviews in summary: their mean rating, to two decimals (null without reviews), and how many. */
record Rating(BigDecimal average, int count) {

    /** The summary of {@code count} ratings adding up to {@code sum}. */
    public static Rating of(int count, int sum) {
        return new Rating(count == 0 ? null
                : BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP), count);
    }
}
