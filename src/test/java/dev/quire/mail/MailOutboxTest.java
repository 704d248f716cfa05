package dev.quire.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.support.MutableClock;
import dev.quire.support.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox on a migrated H2 database: a mail is written in the caller's transaction, so it exists exactly when the
 * change that caused it committed.
 */
class MailOutboxTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final AtomicInteger wakes = new AtomicInteger();
    private Database database;
    private Jdbc jdbc;
    private MailOutbox outbox;

    @BeforeEach
    void open() {
        database = TestDatabase.h2().open();
        jdbc = new Jdbc(database.dataSource());
        outbox = new MailOutbox(clock, wakes::incrementAndGet);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aMailAddedInATransactionThatCommitsIsPendingAndDueAtOnce() {
        jdbc.transaction(connection -> {
            outbox.add(connection, new Mail("ada@example.com", "Confirm your email", "Open http://x/#/verify?t=1"));
            return null;
        });
        outbox.committed();

        assertThat(rows()).containsExactly("ada@example.com|Confirm your email|Open http://x/#/verify?t=1|pending|0|"
                + "2026-12-01T10:00:00Z");
        assertThat(wakes).hasValue(1);
    }

    @Test
    void aMailAddedInATransactionThatRollsBackIsGoneWithIt() {
        assertThatThrownBy(() -> jdbc.transaction(connection -> {
            outbox.add(connection, new Mail("ada@example.com", "Reset your password", "a link"));
            throw new SQLException("the change fails after its mail was written");
        })).hasMessageContaining("the change fails");

        assertThat(rows()).isEmpty();
    }

    @Test
    void theOutboxForStoresWithoutMailWritesNothing() {
        jdbc.transaction(connection -> {
            MailOutbox.NONE.add(connection, new Mail("ada@example.com", "Subject", "Text"));
            return null;
        });
        MailOutbox.NONE.committed();

        assertThat(rows()).isEmpty();
    }

    private List<String> rows() {
        return jdbc.list("select recipient, subject, body, state, attempts, next_attempt_at from mail_outbox order by id",
                statement -> { }, row -> row.getString(1) + "|" + row.getString(2) + "|" + row.getString(3) + "|"
                        + row.getString(4) + "|" + row.getInt(5) + "|" + Jdbc.getInstant(row, "next_attempt_at"));
    }
}
