package dev.quire.http;

import dev.quire.support.TestDatabase;

/** The conformance suite on a real PostgreSQL server started by the harness. */
class ConformancePostgresTest extends ConformanceSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
