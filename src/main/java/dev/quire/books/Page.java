package dev.quire.books;

import java.util.List;

/** One numbered page of a longer list, and how long the list is. */
public record Page<T>(List<T> items, int page, int perPage, long total) {
    public long totalPages() {
        return (total + perPage - 1) / perPage;
    }
}
