package dev.quire.books;

import java.util.Arrays;
import java.util.Optional;

/** The orders the catalogue can be read in; each ends with the id, so pages never overlap. */
enum BookSort {
    /** The search's ranking (best first), ties by title then id; without a search, the same as {@link #TITLE}. */
    RELEVANCE("relevance", "title_key", false, false),
    TITLE("title", "title_key", false, false),
    TITLE_DESC("-title", "title_key", true, false),
    YEAR("year", "publication_year", false, true),
    YEAR_DESC("-year", "publication_year", true, true),
    AUTHOR("author", "author_key", false, false),
    AUTHOR_DESC("-author", "author_key", true, false),
    CREATED("createdAt", "created_at", false, false),
    CREATED_DESC("-createdAt", "created_at", true, false),
    RATING("rating", "rating_average", false, true),
    RATING_DESC("-rating", "rating_average", true, true);

    private final String wireName;
    final String column;
    final boolean descending;
    /** Whether the column may be null: books without a value come last in both directions. */
    final boolean nullable;

    BookSort(String wireName, String column, boolean descending, boolean nullable) {
        this.wireName = wireName;
        this.column = column;
        this.descending = descending;
        this.nullable = nullable;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<BookSort> fromWireName(String name) {
        return Arrays.stream(values()).filter(sort -> sort.wireName.equals(name)).findFirst();
    }

    static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(BookSort::wireName).toList());
    }
}
