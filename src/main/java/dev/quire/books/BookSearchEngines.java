package dev.quire.books;

import dev.quire.db.DatabaseSettings;
import dev.quire.db.Jdbc;

/** Opens the search engine that goes with the database. */
public final class BookSearchEngines {
    private BookSearchEngines() {}

    /**
     * PostgreSQL's own full-text search, or Lucene beside H2 (its index brought up to date with the table before
     * this returns: built when missing or stale).
     */
    public static BookSearchEngine open(Jdbc jdbc, DatabaseSettings settings) {
        return settings.isH2() ? LuceneBookSearch.open(jdbc, settings) : new PostgresBookSearch(jdbc);
    }
}
