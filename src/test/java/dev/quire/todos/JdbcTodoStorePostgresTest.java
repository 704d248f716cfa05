package dev.quire.todos;

import dev.quire.support.TestDatabase;

/** The todo store contract on a real PostgreSQL server. */
class JdbcTodoStorePostgresTest extends JdbcTodoStoreTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }
}
