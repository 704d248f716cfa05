package dev.quire.idempotency;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The idempotency store contract on a migrated H2 file database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcIdempotencyStoreTest extends IdempotencyStoreContract {
    private Database database;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @Override
    IdempotencyStore newStore() {
        if (database == null) {
            database = testDatabase().open();
        }
        return new JdbcIdempotencyStore(new Jdbc(database.dataSource()));
    }

    @AfterAll
    void close() {
        database.close();
    }
}
