package dev.quire.todos;

import dev.quire.support.TestDatabase;

/** The todo suite on a real PostgreSQL server started by the harness. */
class TodoApiPostgresTest extends TodoApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
