package dev.quire.identity;

import dev.quire.support.TestDatabase;

/** The mail flows over HTTP on H2. */
class MailFlowsApiTest extends MailFlowsApiSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
