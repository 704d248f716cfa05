package dev.quire.http;

import dev.quire.support.TestDatabase;

/** The foundation suite on a real PostgreSQL server started by the harness. */
class FoundationApiPostgresTest extends FoundationApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
