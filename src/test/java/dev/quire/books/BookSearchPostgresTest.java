package dev.quire.books;

import dev.quire.support.TestDatabase;

/** The search suite on a real PostgreSQL server started by the harness, searched with its full-text search. */
class BookSearchPostgresTest extends BookSearchSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
