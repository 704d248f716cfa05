package dev.quire.mail;

import dev.quire.support.TestDatabase;

/** The sender's guarantees on a real PostgreSQL, where several instances claim mails at once (SKIP LOCKED). */
class MailSenderPostgresTest extends MailSenderTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }
}
