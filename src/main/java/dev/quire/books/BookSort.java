package dev.quire.books;

import java.util.Arrays;
import java.util.Optional;

/** The orders the catalogue can be read in; each ends with the id, so pages never overlap. */
public enum BookSort {
    TITLE("title", "title_key", false),
    TITLE_DESC("-title", "title_key", true),
    YEAR("year", "publication_year", false),
    YEAR_DESC("-year", "publication_year", true),
    AUTHOR("author", "author_key", false),
    AUTHOR_DESC("-author", "author_key", true),
    CREATED("createdAt", "created_at", false),
    CREATED_DESC("-createdAt", "created_at", true),
    RATING("rating", "rating_average", false),
    RATING_DESC("-rating", "rating_average", true);

    private final String wireName;
    final String column;
    final boolean descending;

    BookSort(String wireName, String column, boolean descending) {
        this.wireName = wireName;
        this.column = column;
        this.descending = descending;
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
