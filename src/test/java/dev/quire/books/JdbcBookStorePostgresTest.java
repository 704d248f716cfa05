package dev.quire.books;

import dev.quire.support.TestDatabase;

/** The book store contract, and paging 10,000 books, on a real PostgreSQL server. */
class JdbcBookStorePostgresTest extends JdbcBookStoreTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }
}
