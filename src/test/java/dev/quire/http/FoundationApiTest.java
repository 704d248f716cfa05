package dev.quire.http;

import dev.quire.support.TestDatabase;

/** The foundation suite on the default database: a file H2 in PostgreSQL mode. */
class FoundationApiTest extends FoundationApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
