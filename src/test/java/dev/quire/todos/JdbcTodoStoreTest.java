package dev.quire.todos;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.identity.AccountId;
import dev.quire.support.AccountRows;
import dev.quire.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The todo store contract on a migrated H2 file database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcTodoStoreTest extends TodoStoreContract {
    private Database database;
    private Jdbc jdbc;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @Override
    TodoStore newStore() {
        if (database == null) {
            database = testDatabase().open();
            jdbc = new Jdbc(database.dataSource());
        }
        return new JdbcTodoStore(jdbc);
    }

    @Override
    AccountId newAccount() {
        return AccountRows.insert(database.dataSource(), "Owner");
    }

    @AfterAll
    void close() {
        database.close();
    }
}
