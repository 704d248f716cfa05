package dev.quire.books;

import dev.quire.support.TestDatabase;

/** The search suite on the default database: a file H2 in PostgreSQL mode, searched with Lucene. */
class BookSearchTest extends BookSearchSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
