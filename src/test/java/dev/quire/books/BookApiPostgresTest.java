package dev.quire.books;

import dev.quire.support.TestDatabase;

/** The catalogue suite on a real PostgreSQL server started by the harness. */
class BookApiPostgresTest extends BookApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
