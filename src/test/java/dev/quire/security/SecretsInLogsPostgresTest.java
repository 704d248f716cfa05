package dev.quire.security;

import dev.quire.support.TestDatabase;

/** The secrets-in-logs scan on a real PostgreSQL server started by the harness. */
class SecretsInLogsPostgresTest extends SecretsInLogsSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
