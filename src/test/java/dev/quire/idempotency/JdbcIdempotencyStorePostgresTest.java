package dev.quire.idempotency;

import dev.quire.support.TestDatabase;

/** The idempotency store contract on a real PostgreSQL server. */
class JdbcIdempotencyStorePostgresTest extends JdbcIdempotencyStoreTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }
}
