package dev.quire.todos;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import dev.quire.support.TestDatabase;
import java.time.Instant;
import java.time.ZoneOffset;
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
        var id = new AccountId(Ids.timeOrdered("acct", System.currentTimeMillis()));
        jdbc.update("insert into accounts (id, email, email_key, password_hash, display_name, created_at, updated_at)"
                + " values (?, ?, ?, 'x', 'Owner', ?, ?)", statement -> {
                    statement.setString(1, id.value());
                    statement.setString(2, id.value() + "@example.com");
                    statement.setString(3, id.value().toLowerCase() + "@example.com");
                    statement.setObject(4, Instant.now().atOffset(ZoneOffset.UTC));
                    statement.setObject(5, Instant.now().atOffset(ZoneOffset.UTC));
                });
        return id;
    }

    @AfterAll
    void close() {
        database.close();
    }
}
