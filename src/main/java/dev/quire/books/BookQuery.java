package dev.quire.books;

import dev.quire.books.BookStore.Facet;
import java.util.Set;

/**
 * Which books to list, in what order, which page, and what to count: {@code author} matches exactly but ignoring
 * case and accents; {@code search} is a search in web search syntax ({@link SearchText}); null means no such
 * filter.
 */
record BookQuery(String author, Genres.Genre genre, Integer yearMin, Integer yearMax, String search, BookSort sort,
                 int page, int perPage, Set<Facet> facets) {}
