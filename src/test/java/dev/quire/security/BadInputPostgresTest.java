package dev.quire.security;

import dev.quire.support.TestDatabase;

/** The bad-input catalogue on a real PostgreSQL server started by the harness. */
class BadInputPostgresTest extends BadInputSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
