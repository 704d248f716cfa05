package dev.quire.security;

import dev.quire.support.TestDatabase;

/** The bad-input catalogue on the default database: a file H2 in PostgreSQL mode. */
class BadInputTest extends BadInputSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
