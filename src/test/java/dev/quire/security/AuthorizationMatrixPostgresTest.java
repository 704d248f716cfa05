package dev.quire.security;

import dev.quire.support.TestDatabase;

/** The authorization matrix on a real PostgreSQL server started by the harness. */
class AuthorizationMatrixPostgresTest extends AuthorizationMatrixSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
