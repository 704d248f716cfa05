package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.identity.IdentityStore.NewAccountRecord;
import dev.quire.identity.IdentityStore.NewSessionRecord;
import dev.quire.shared.Ids;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every identity store must do, run against each implementation (in memory, H2, PostgreSQL). */
abstract class IdentityStoreContract {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    IdentityStore store;

    abstract IdentityStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    NewAccountRecord newAccount(String emailKey) {
        var id = new AccountId(Ids.timeOrdered(AccountId.PREFIX, now.toEpochMilli()));
        return new NewAccountRecord(id, emailKey.toUpperCase(), emailKey, "$argon2id$hash", "Name", now);
    }

    String uniqueEmail() {
        return "person" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() + "@example.com";
    }

    NewSessionRecord newSession(AccountId account, Instant expiresAt) {
        return new NewSessionRecord(new SessionId(Ids.random(SessionId.PREFIX)), account, "a".repeat(64), now,
                expiresAt);
    }

    @Test
    void anInsertedAccountIsFoundByIdAndByEmailKey() {
        var inserted = store.insertAccount(newAccount(uniqueEmail()));

        assertThat(store.findAccount(inserted.id())).contains(inserted);
        assertThat(store.findAccountByEmailKey(inserted.email().toLowerCase())).contains(inserted);
        assertThat(inserted.createdAt()).isEqualTo(now);
    }

    @Test
    void aSecondAccountWithTheSameEmailKeyIsRefused() {
        String email = uniqueEmail();
        store.insertAccount(newAccount(email));

        assertThatThrownBy(() -> store.insertAccount(newAccount(email)))
                .isInstanceOf(EmailAlreadyRegisteredException.class);
    }

    @Test
    void unknownAccountsAreEmpty() {
        assertThat(store.findAccount(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)))).isEmpty();
        assertThat(store.findAccountByEmailKey("nobody@example.com")).isEmpty();
    }

    @Test
    void renamingChangesTheNameAndTheUpdateTime() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var later = now.plusSeconds(5);

        var renamed = store.updateDisplayName(account.id(), "Renamed ✓", later).orElseThrow();

        assertThat(renamed.displayName()).isEqualTo("Renamed ✓");
        assertThat(renamed.updatedAt()).isEqualTo(later);
        assertThat(store.findAccount(account.id())).contains(renamed);
        assertThat(store.updateDisplayName(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)), "x", later)).isEmpty();
    }

    @Test
    void aSessionIsFoundWithItsAccount() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var session = newSession(account.id(), now.plus(Duration.ofDays(1)));

        store.insertSession(session);

        var found = store.findSession(session.id()).orElseThrow();
        assertThat(found.account()).isEqualTo(account);
        assertThat(found.secretHash()).isEqualTo(session.secretHash());
        assertThat(found.createdAt()).isEqualTo(now);
        assertThat(found.expiresAt()).isEqualTo(session.expiresAt());
    }

    @Test
    void replacingThePasswordEndsEveryOtherSessionOfThatAccountOnly() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var other = store.insertAccount(newAccount(uniqueEmail()));
        var kept = newSession(account.id(), now.plusSeconds(600));
        var ended = newSession(account.id(), now.plusSeconds(600));
        var othersSession = newSession(other.id(), now.plusSeconds(600));
        store.insertSession(kept);
        store.insertSession(ended);
        store.insertSession(othersSession);

        store.replacePasswordHash(account.id(), "$argon2id$new", now.plusSeconds(1), kept.id());

        assertThat(store.findAccount(account.id()).orElseThrow().passwordHash()).isEqualTo("$argon2id$new");
        assertThat(store.findSession(kept.id())).isPresent();
        assertThat(store.findSession(ended.id())).isEmpty();
        assertThat(store.findSession(othersSession.id())).isPresent();
    }

    @Test
    void sessionsEndOneByOneOrAllTogether() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var first = newSession(account.id(), now.plusSeconds(600));
        var second = newSession(account.id(), now.plusSeconds(600));
        var third = newSession(account.id(), now.plusSeconds(600));
        store.insertSession(first);
        store.insertSession(second);
        store.insertSession(third);

        store.deleteSession(first.id());
        assertThat(store.findSession(first.id())).isEmpty();
        assertThat(store.findSession(second.id())).isPresent();

        store.deleteSessions(account.id());
        assertThat(store.findSession(second.id())).isEmpty();
        assertThat(store.findSession(third.id())).isEmpty();
    }

    @Test
    void onlyExpiredSessionsArePurged() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var expired = newSession(account.id(), now.minusSeconds(1));
        var endsNow = newSession(account.id(), now);
        var live = newSession(account.id(), now.plusSeconds(1));
        store.insertSession(expired);
        store.insertSession(endsNow);
        store.insertSession(live);

        store.deleteExpiredSessions(account.id(), now);

        assertThat(store.findSession(expired.id())).isEmpty();
        assertThat(store.findSession(endsNow.id())).isEmpty();
        assertThat(store.findSession(live.id())).isPresent();
    }
}
