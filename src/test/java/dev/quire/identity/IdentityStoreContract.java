package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.identity.IdentityStore.AccountRecord;
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

    /** Starts a session the way the service does, against the account's current hash. */
    NewSessionRecord started(AccountRecord account, Instant expiresAt) {
        var session = newSession(account.id(), expiresAt);
        assertThat(store.insertSessionIfPasswordHashIs(session, account.passwordHash())).isTrue();
        return session;
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
    void aSessionIsFoundWithItsAccountButNotItsPasswordHash() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var session = started(account, now.plus(Duration.ofDays(1)));

        var found = store.findSession(session.id()).orElseThrow();
        assertThat(found.accountId()).isEqualTo(account.id());
        assertThat(found.accountEmail()).isEqualTo(account.email());
        assertThat(found.accountDisplayName()).isEqualTo(account.displayName());
        assertThat(found.accountCreatedAt()).isEqualTo(account.createdAt());
        assertThat(found.secretHash()).isEqualTo(session.secretHash());
        assertThat(found.createdAt()).isEqualTo(now);
        assertThat(found.expiresAt()).isEqualTo(session.expiresAt());
    }

    @Test
    void aSessionStartsOnlyWhileThePasswordHashIsTheOneVerified() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var session = newSession(account.id(), now.plusSeconds(600));

        assertThat(store.insertSessionIfPasswordHashIs(session, "$argon2id$some-older-hash")).isFalse();
        assertThat(store.findSession(session.id())).isEmpty();
        var orphan = newSession(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)), now.plusSeconds(600));
        assertThat(store.insertSessionIfPasswordHashIs(orphan, "$argon2id$hash")).isFalse();
    }

    @Test
    void replacingThePasswordEndsEveryOtherSessionOfThatAccountOnly() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var other = store.insertAccount(newAccount(uniqueEmail()));
        var kept = started(account, now.plusSeconds(600));
        var ended = started(account, now.plusSeconds(600));
        var othersSession = started(other, now.plusSeconds(600));

        assertThat(store.replacePasswordHash(account.id(), account.passwordHash(), "$argon2id$new", now.plusSeconds(1),
                kept.id())).isTrue();

        assertThat(store.findAccount(account.id()).orElseThrow().passwordHash()).isEqualTo("$argon2id$new");
        assertThat(store.findSession(kept.id())).isPresent();
        assertThat(store.findSession(ended.id())).isEmpty();
        assertThat(store.findSession(othersSession.id())).isPresent();
    }

    @Test
    void aPasswordReplacementBasedOnAStaleHashChangesNothing() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var session = started(account, now.plusSeconds(600));
        var other = started(account, now.plusSeconds(600));

        assertThat(store.replacePasswordHash(account.id(), "$argon2id$stale", "$argon2id$new", now, session.id()))
                .isFalse();

        assertThat(store.findAccount(account.id()).orElseThrow().passwordHash()).isEqualTo(account.passwordHash());
        assertThat(store.findSession(other.id())).isPresent();
    }

    @Test
    void sessionsEndOneByOneOrAllTogether() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var first = started(account, now.plusSeconds(600));
        var second = started(account, now.plusSeconds(600));
        var third = started(account, now.plusSeconds(600));

        store.deleteSession(first.id());
        assertThat(store.findSession(first.id())).isEmpty();
        assertThat(store.findSession(second.id())).isPresent();

        store.deleteSessions(account.id());
        assertThat(store.findSession(second.id())).isEmpty();
        assertThat(store.findSession(third.id())).isEmpty();
    }

    @Test
    void onlyExpiredSessionsArePurgedWhateverTheirAccount() {
        var account = store.insertAccount(newAccount(uniqueEmail()));
        var other = store.insertAccount(newAccount(uniqueEmail()));
        var expired = started(account, now.minusSeconds(1));
        var othersExpired = started(other, now.minusSeconds(1));
        var endsNow = started(account, now);
        var live = started(account, now.plusSeconds(1));

        assertThat(store.deleteExpiredSessions(now)).isGreaterThanOrEqualTo(3);

        assertThat(store.findSession(expired.id())).isEmpty();
        assertThat(store.findSession(othersExpired.id())).isEmpty();
        assertThat(store.findSession(endsNow.id())).isEmpty();
        assertThat(store.findSession(live.id())).isPresent();
    }
}
