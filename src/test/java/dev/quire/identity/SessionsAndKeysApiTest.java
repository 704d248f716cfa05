package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The sessions and API keys suite on the default database: a file H2 in PostgreSQL mode. */
class SessionsAndKeysApiTest extends SessionsAndKeysApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
