package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The identity suite on a real PostgreSQL server started by the harness. */
class IdentityApiPostgresTest extends IdentityApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
