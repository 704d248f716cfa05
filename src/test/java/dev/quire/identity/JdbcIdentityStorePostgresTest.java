package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The identity store contract on a real PostgreSQL server. */
class JdbcIdentityStorePostgresTest extends JdbcIdentityStoreTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }
}
