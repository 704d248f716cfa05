package dev.quire.books;

import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The search half of {@link JdbcBookStore}: one engine per database, each a real search engine (PostgreSQL's
 * full-text search, Lucene beside H2). The store calls {@link #written} inside each transaction that writes a
 * book's text and {@link #changed} after each committed change of a book (its reviews included), so an engine can
 * follow the table in the transaction or just after it.
 */
public interface BookSearchEngine extends AutoCloseable {

    /** See {@link BookStore#search}. */
    SearchResult search(SearchRequest request);

    /** See {@link BookStore#wordsLike}. */
    Map<String, Long> wordsLike(String word, int maxEdits);

    /** In the transaction that inserts a book or changes its title or author (after the row is written). */
    default void written(Connection connection, BookId id, String title, String author) throws SQLException {}

    /** After a change to the book committed: created, changed, reviewed, or deleted. Never throws. */
    default void changed(BookId id) {}

    @Override
    default void close() {}
}
