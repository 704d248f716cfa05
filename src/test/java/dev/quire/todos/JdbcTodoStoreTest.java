package dev.quire.todos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.identity.AccountId;
import dev.quire.support.AccountRows;
import dev.quire.support.TestDatabase;
import java.sql.Connection;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
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
        return new JdbcTodoStore(jdbc, Outbox.NONE);
    }

    @Override
    AccountId newAccount() {
        return AccountRows.insert(database.dataSource(), "Owner");
    }

    /** A new todo goes after the owner's last: found at the end of the owner's index, not by reading the list. */
    @Test
    void theNextPositionIsReadOffTheIndex() throws Exception {
        newStore();
        var owner = AccountRows.insert(database.dataSource(), "Long list");
        try (Connection connection = database.dataSource().getConnection();
             var statement = connection.prepareStatement("explain " + JdbcTodoStore.LAST_POSITION)) {
            statement.setString(1, owner.value());
            var plan = new StringBuilder();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            String text = plan.toString().toLowerCase(Locale.ROOT);
            assertThat(text).contains("todos_owner_position").doesNotContain("seq scan", "tablescan", "sort (");
            // H2 says when it reads an index in order; PostgreSQL shows a backward scan under a limit
            assertThat(text).containsAnyOf("index sorted", "index only scan backward", "index scan backward");
        }
    }

    @AfterAll
    void close() {
        database.close();
    }
}
