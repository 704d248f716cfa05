package dev.quire.books;

/**
 * Which books to list, in what order, which page: {@code author} and {@code genre} match exactly but ignoring
 * case; {@code search} is text to find in the title or the author; null means no such filter.
 */
record BookQuery(String author, String genre, Integer yearMin, Integer yearMax, String search, BookSort sort,
                        int page, int perPage) {}
