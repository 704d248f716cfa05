package dev.quire.limits;

import dev.quire.support.TestDatabase;

/** The bucket store contract, and what the table keeps, on a real PostgreSQL server. */
class JdbcBucketStorePostgresTest extends JdbcBucketStoreTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    boolean onPostgres() {
        return true;
    }
}
