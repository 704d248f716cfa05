package dev.quire.mail;

import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What a store writes its mails through: {@link #add} inside the change's transaction, then {@link #committed} once
 * that has committed, which wakes this instance's sender. A mail added in a transaction that rolls back is gone with
 * it; a committed one is sent even if this instance dies before its sender gets to it (another instance's sender,
 * or this one's after a restart, finds it: senders also poll).
 */
public final class MailOutbox {
    /** For stores used without mail (their own tests): writes nothing. */
    public static final MailOutbox NONE = new MailOutbox(null, () -> { });

    static final String INSERT = """
            insert into mail_outbox (recipient, subject, body, state, attempts, created_at, next_attempt_at)
            values (?, ?, ?, 'pending', 0, ?, ?)""";

    private final Clock clock;
    private final Runnable committed;

    /** @param committed wakes the sender (called after the caller's commit) */
    public MailOutbox(Clock clock, Runnable committed) {
        this.clock = clock;
        this.committed = committed;
    }

    /** Writes {@code mail} in the caller's transaction, due at once. */
    public void add(Connection connection, Mail mail) throws SQLException {
        if (clock == null) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Jdbc.update(connection, INSERT, statement -> {
            statement.setString(1, mail.to());
            statement.setString(2, mail.subject());
            statement.setString(3, mail.text());
            setInstant(statement, 4, now);
            setInstant(statement, 5, now);
        });
    }

    /** The caller's transaction has committed: wake the sender. */
    public void committed() {
        committed.run();
    }
}
