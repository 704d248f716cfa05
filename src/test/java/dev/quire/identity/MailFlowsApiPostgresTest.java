package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The mail flows over HTTP on PostgreSQL. */
class MailFlowsApiPostgresTest extends MailFlowsApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
