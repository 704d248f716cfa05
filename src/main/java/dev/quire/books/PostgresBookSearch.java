package dev.quire.books;

import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import dev.quire.db.Jdbc;
import java.util.Map;

/** Search on PostgreSQL: its full-text search and pg_trgm (migration V12). */
final class PostgresBookSearch implements BookSearchEngine {
    private final Jdbc jdbc;

    PostgresBookSearch(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public SearchResult search(SearchRequest request) {
        if (request.text() == null) {
            return SqlBookList.list(jdbc, request);
        }
        throw new UnsupportedOperationException("to do");
    }

    @Override
    public Map<String, Long> wordsLike(String word, int maxEdits) {
        throw new UnsupportedOperationException("to do");
    }
}
