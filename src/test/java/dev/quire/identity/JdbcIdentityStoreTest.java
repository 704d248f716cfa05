package dev.quire.identity;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.mail.MailOutbox;
import dev.quire.support.TestDatabase;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The identity store contract on a migrated H2 file database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcIdentityStoreTest extends IdentityStoreContract {
    private Database database;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @Override
    IdentityStore newStore() {
        if (database == null) {
            database = testDatabase().open();
        }
        return new JdbcIdentityStore(new Jdbc(database.dataSource()), new MailOutbox(Clock.systemUTC(), () -> { }));
    }

    @AfterAll
    void close() {
        database.close();
    }
}
