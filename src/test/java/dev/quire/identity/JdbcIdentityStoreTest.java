package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.identity.IdentityStore.TokenPurpose;
import dev.quire.mail.MailOutbox;
import dev.quire.shared.Ids;
import dev.quire.support.TestDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The identity store contract on a migrated H2 file database, and the mails it queues in the outbox table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcIdentityStoreTest extends IdentityStoreContract {
    private Database database;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @Override
    IdentityStore newStore() {
        if (database == null) {
            database = testDatabase().open();
        }
        return new JdbcIdentityStore(new Jdbc(database.dataSource()), new MailOutbox(Clock.systemUTC(), () -> { }));
    }

    @Test
    void aMailIsQueuedWithItsChangeAndNeverForARefusedOne() throws SQLException {
        String email = uniqueEmail();
        var account = insert(newAccount(email));
        var again = newAccount(email);
        assertThatThrownBy(() -> store.insertAccount(again,
                token(again.id(), TokenPurpose.VERIFY, email, Duration.ofHours(1)), mail(email)))
                .isInstanceOf(EmailAlreadyRegisteredException.class);
        assertThat(queuedFor(email.toUpperCase())).as("the sign-up's mail only").isEqualTo(1);

        String other = uniqueEmail();
        store.updatePendingEmail(account.id(), other, now, token(account.id(), TokenPurpose.VERIFY, other,
                Duration.ofHours(1)), mail(other));
        insert(newAccount(other));
        var gone = new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0));
        assertThat(store.replaceToken(token(gone, TokenPurpose.RESET, "gone@example.com", Duration.ofHours(1)),
                mail("gone@example.com"))).isFalse();

        assertThat(queuedFor(other)).as("the change's mail").isEqualTo(1);
        assertThat(queuedFor("gone@example.com")).as("no account, no mail").isZero();
    }

    private int queuedFor(String recipient) throws SQLException {
        try (var connection = database.dataSource().getConnection();
             var statement = connection.prepareStatement("select count(*) from mail_outbox where recipient = ?")) {
            statement.setString(1, recipient);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    @AfterAll
    void close() {
        database.close();
    }
}
