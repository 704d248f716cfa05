package dev.quire.security;

import dev.quire.support.TestDatabase;

/** The secrets-in-logs scan on the default database: a file H2 in PostgreSQL mode. */
class SecretsInLogsTest extends SecretsInLogsSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
