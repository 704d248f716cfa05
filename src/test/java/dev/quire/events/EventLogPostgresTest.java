package dev.quire.events;

import dev.quire.support.TestDatabase;

/** The event log's guarantees on a real PostgreSQL, where several instances sequence at once (and NOTIFY). */
class EventLogPostgresTest extends EventLogTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }
}
