package dev.quire.books;

import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import dev.quire.db.DatabaseSettings;
import dev.quire.db.Jdbc;
import java.util.Map;

/** Search on H2: a Lucene index of the books table, following it after each commit. */
final class LuceneBookSearch implements BookSearchEngine {
    private final Jdbc jdbc;

    private LuceneBookSearch(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    static LuceneBookSearch open(Jdbc jdbc, DatabaseSettings settings) {
        return new LuceneBookSearch(jdbc);
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
