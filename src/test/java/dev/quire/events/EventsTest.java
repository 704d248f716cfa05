package dev.quire.events;

import dev.quire.support.TestDatabase;

/** The change streams on the default database: a file H2 in PostgreSQL mode. */
class EventsTest extends EventsSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
