package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The identity suite on the default database: a file H2 in PostgreSQL mode. */
class IdentityApiTest extends IdentityApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
