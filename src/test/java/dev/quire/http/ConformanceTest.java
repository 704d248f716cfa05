package dev.quire.http;

import dev.quire.support.TestDatabase;

/** The conformance suite on the default database: a file H2 in PostgreSQL mode. */
class ConformanceTest extends ConformanceSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
