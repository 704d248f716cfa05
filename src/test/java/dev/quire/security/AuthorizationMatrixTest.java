package dev.quire.security;

import dev.quire.support.TestDatabase;

/** The authorization matrix on the default database: a file H2 in PostgreSQL mode. */
class AuthorizationMatrixTest extends AuthorizationMatrixSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
