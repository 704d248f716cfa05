package dev.quire.todos;

import dev.quire.support.TestDatabase;

/** The todo suite on the default database: a file H2 in PostgreSQL mode. */
class TodoApiTest extends TodoApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
