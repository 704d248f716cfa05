package dev.quire.events;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a store writes its changes' events through: {@link #append} inside the change's transaction, then
 * {@link #committed} once it has committed, which wakes this instance's hub to position and hand them out.
 */
public final class Outbox {
    /** For stores used without events (their own tests): writes nothing. */
    public static final Outbox NONE = new Outbox(null, () -> { });

    private final EventLog log;
    private final Runnable committed;

    public Outbox(EventLog log, Runnable committed) {
        this.log = log;
        this.committed = committed;
    }

    public void append(Connection connection, ChangeEvent event) throws SQLException {
        if (log != null) {
            log.append(connection, event);
        }
    }

    public void committed() {
        committed.run();
    }
}
