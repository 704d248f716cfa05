package dev.quire.books;

import dev.quire.support.TestDatabase;

/** The catalogue suite on the default database: a file H2 in PostgreSQL mode. */
class BookApiTest extends BookApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
