package dev.quire.events;

import dev.quire.support.TestDatabase;

/** The change streams on a real PostgreSQL server started by the harness. */
class EventsPostgresTest extends EventsSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
