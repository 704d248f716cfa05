package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The sessions and API keys suite on a real PostgreSQL server started by the harness. */
class SessionsAndKeysApiPostgresTest extends SessionsAndKeysApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
