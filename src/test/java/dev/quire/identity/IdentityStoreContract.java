package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.identity.IdentityStore.AccountRecord;
import dev.quire.identity.IdentityStore.EmailTokenRecord;
import dev.quire.identity.IdentityStore.TokenPurpose;
import dev.quire.mail.Mail;
import dev.quire.identity.IdentityStore.NewAccountRecord;
import dev.quire.identity.IdentityStore.NewApiKeyRecord;
import dev.quire.identity.IdentityStore.NewSessionRecord;
import dev.quire.shared.Ids;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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

    /** Inserts the account as sign-up does: with its first verification token and the mail that carries it. */
    AccountRecord insert(NewAccountRecord account) {
        return store.insertAccount(account, token(account.id(), TokenPurpose.VERIFY, account.email(), Duration.ofHours(24)),
                new Mail(account.email(), "Confirm", "link"));
    }

    static EmailTokenRecord token(AccountId account, TokenPurpose purpose, String email, Duration ttl) {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new EmailTokenRecord((UUID.randomUUID() + "" + UUID.randomUUID()).replace("-", ""), account, purpose,
                email, created, created.plus(ttl));
    }

    static Mail mail(String to) {
        return new Mail(to, "Subject", "Text with a link");
    }

    String uniqueEmail() {
        return "person" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() + "@example.com";
    }

    NewSessionRecord newSession(AccountId account, Instant expiresAt) {
        return new NewSessionRecord(new SessionId(Ids.random(SessionId.PREFIX)), account, "a".repeat(64), now,
                expiresAt, "Mozilla/5.0 (contract)", "192.0.2.7");
    }

    /** Starts a session the way the service does, against the account's current hash. */
    NewSessionRecord started(AccountRecord account, Instant expiresAt) {
        var session = newSession(account.id(), expiresAt);
        assertThat(store.insertSessionIfPasswordHashIs(session, account.passwordHash())).isTrue();
        return session;
    }

    @Test
    void anInsertedAccountIsFoundByIdAndByEmailKey() {
        var inserted = insert(newAccount(uniqueEmail()));

        assertThat(store.findAccount(inserted.id())).contains(inserted);
        assertThat(store.findAccountByEmailKey(inserted.email().toLowerCase())).contains(inserted);
        assertThat(inserted.createdAt()).isEqualTo(now);
    }

    @Test
    void aSecondAccountWithTheSameEmailKeyIsRefused() {
        String email = uniqueEmail();
        insert(newAccount(email));

        assertThatThrownBy(() -> insert(newAccount(email)))
                .isInstanceOf(EmailAlreadyRegisteredException.class);
    }

    @Test
    void unknownAccountsAreEmpty() {
        assertThat(store.findAccount(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)))).isEmpty();
        assertThat(store.findAccountByEmailKey("nobody@example.com")).isEmpty();
    }

    @Test
    void renamingChangesTheNameAndTheUpdateTime() {
        var account = insert(newAccount(uniqueEmail()));
        var later = now.plusSeconds(5);

        var renamed = store.updateDisplayName(account.id(), "Renamed ✓", later).orElseThrow();

        assertThat(renamed.displayName()).isEqualTo("Renamed ✓");
        assertThat(renamed.updatedAt()).isEqualTo(later);
        assertThat(store.findAccount(account.id())).contains(renamed);
        assertThat(store.updateDisplayName(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)), "x", later)).isEmpty();
    }

    @Test
    void aSessionIsFoundWithItsAccountButNotItsPasswordHash() {
        var account = insert(newAccount(uniqueEmail()));
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
        var account = insert(newAccount(uniqueEmail()));
        var session = newSession(account.id(), now.plusSeconds(600));

        assertThat(store.insertSessionIfPasswordHashIs(session, "$argon2id$some-older-hash")).isFalse();
        assertThat(store.findSession(session.id())).isEmpty();
        var orphan = newSession(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)), now.plusSeconds(600));
        assertThat(store.insertSessionIfPasswordHashIs(orphan, "$argon2id$hash")).isFalse();
    }

    @Test
    void replacingThePasswordEndsEveryOtherSessionOfThatAccountOnly() {
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
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
        var account = insert(newAccount(uniqueEmail()));
        var session = started(account, now.plusSeconds(600));
        var other = started(account, now.plusSeconds(600));

        assertThat(store.replacePasswordHash(account.id(), "$argon2id$stale", "$argon2id$new", now, session.id()))
                .isFalse();

        assertThat(store.findAccount(account.id()).orElseThrow().passwordHash()).isEqualTo(account.passwordHash());
        assertThat(store.findSession(other.id())).isPresent();
    }

    @Test
    void sessionsEndOneByOneOrAllTogether() {
        var account = insert(newAccount(uniqueEmail()));
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
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
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

    @Test
    void anAccountStartsUnverifiedWithItsVerificationToken() {
        var account = newAccount(uniqueEmail());
        var verification = token(account.id(), TokenPurpose.VERIFY, account.email(), Duration.ofHours(24));

        var inserted = store.insertAccount(account, verification, mail(account.email()));

        assertThat(inserted.emailVerifiedAt()).isNull();
        assertThat(inserted.pendingEmail()).isNull();
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.VERIFY)).contains(verification);
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.RESET)).isEmpty();
    }

    @Test
    void aRefusedSignUpLeavesNoToken() {
        String email = uniqueEmail();
        insert(newAccount(email));
        var again = newAccount(email);
        var verification = token(again.id(), TokenPurpose.VERIFY, again.email(), Duration.ofHours(24));

        assertThatThrownBy(() -> store.insertAccount(again, verification, mail(email)))
                .isInstanceOf(EmailAlreadyRegisteredException.class);
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.VERIFY)).isEmpty();
    }

    @Test
    void aNewTokenReplacesTheAccountsTokenOfThatPurposeOnly() {
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
        var firstReset = token(account.id(), TokenPurpose.RESET, account.email(), Duration.ofMinutes(30));
        var othersReset = token(other.id(), TokenPurpose.RESET, other.email(), Duration.ofMinutes(30));
        var verification = token(account.id(), TokenPurpose.VERIFY, account.email(), Duration.ofHours(24));
        assertThat(store.replaceToken(firstReset, mail(account.email()))).isTrue();
        assertThat(store.replaceToken(othersReset, mail(other.email()))).isTrue();
        assertThat(store.replaceToken(verification, mail(account.email()))).isTrue();

        var secondReset = token(account.id(), TokenPurpose.RESET, account.email(), Duration.ofMinutes(30));
        assertThat(store.replaceToken(secondReset, mail(account.email()))).isTrue();

        assertThat(store.findToken(firstReset.tokenHash(), TokenPurpose.RESET)).isEmpty();
        assertThat(store.findToken(secondReset.tokenHash(), TokenPurpose.RESET)).contains(secondReset);
        assertThat(store.findToken(othersReset.tokenHash(), TokenPurpose.RESET)).contains(othersReset);
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.VERIFY)).contains(verification);
        var gone = new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0));
        assertThat(store.replaceToken(token(gone, TokenPurpose.RESET, "x@example.com", Duration.ofMinutes(30)),
                mail("x@example.com"))).isFalse();
    }

    @Test
    void aVerificationTokenVerifiesTheEmailOnce() {
        var account = insert(newAccount(uniqueEmail()));
        var verification = token(account.id(), TokenPurpose.VERIFY, account.email(), Duration.ofHours(24));
        store.replaceToken(verification, mail(account.email()));
        var later = now.plusSeconds(5);

        var verified = store.verifyEmail(verification.tokenHash(), account.id(), account.email(), later).orElseThrow();

        assertThat(verified.emailVerifiedAt()).isEqualTo(later);
        assertThat(store.findAccount(account.id())).contains(verified);
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.VERIFY)).isEmpty();
        assertThat(store.verifyEmail(verification.tokenHash(), account.id(), account.email(), later)).isEmpty();
    }

    @Test
    void aVerificationTokenForAnotherAddressChangesNothing() {
        var account = insert(newAccount(uniqueEmail()));
        var verification = token(account.id(), TokenPurpose.VERIFY, account.email(), Duration.ofHours(24));
        store.replaceToken(verification, mail(account.email()));

        assertThat(store.verifyEmail(verification.tokenHash(), account.id(), "someone-else@example.com", now)).isEmpty();

        assertThat(store.findAccount(account.id()).orElseThrow().emailVerifiedAt()).isNull();
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.VERIFY)).isPresent();
    }

    @Test
    void aConfirmedChangeMovesTheAccountToTheNewAddressAndEndsItsResetToken() {
        var account = insert(newAccount(uniqueEmail()));
        String newEmail = uniqueEmail();
        var verification = token(account.id(), TokenPurpose.VERIFY, newEmail, Duration.ofHours(24));
        var reset = token(account.id(), TokenPurpose.RESET, account.email(), Duration.ofMinutes(30));
        store.replaceToken(reset, mail(account.email()));
        var pending = store.updatePendingEmail(account.id(), newEmail, now, verification, mail(newEmail)).orElseThrow();
        assertThat(pending.pendingEmail()).isEqualTo(newEmail);
        assertThat(pending.email()).isEqualTo(account.email());

        var changed = store.confirmEmailChange(verification.tokenHash(), account.id(), newEmail,
                newEmail.toLowerCase(Locale.ROOT), now, mail(account.email())).orElseThrow();

        assertThat(changed.email()).isEqualTo(newEmail);
        assertThat(changed.pendingEmail()).isNull();
        assertThat(changed.emailVerifiedAt()).isEqualTo(now);
        assertThat(store.findAccountByEmailKey(newEmail.toLowerCase(Locale.ROOT))).contains(changed);
        assertThat(store.findAccountByEmailKey(account.email().toLowerCase(Locale.ROOT))).isEmpty();
        assertThat(store.findToken(reset.tokenHash(), TokenPurpose.RESET)).isEmpty();
        assertThat(store.confirmEmailChange(verification.tokenHash(), account.id(), newEmail,
                newEmail.toLowerCase(Locale.ROOT), now, mail(account.email()))).isEmpty();
    }

    @Test
    void aChangeToAnAddressTakenMeanwhileIsAConflictAndChangesNothing() {
        var account = insert(newAccount(uniqueEmail()));
        String newEmail = uniqueEmail();
        var verification = token(account.id(), TokenPurpose.VERIFY, newEmail, Duration.ofHours(24));
        store.updatePendingEmail(account.id(), newEmail, now, verification, mail(newEmail));
        insert(newAccount(newEmail));

        assertThatThrownBy(() -> store.confirmEmailChange(verification.tokenHash(), account.id(), newEmail,
                newEmail.toLowerCase(Locale.ROOT), now, mail(account.email())))
                .isInstanceOf(EmailAlreadyRegisteredException.class);

        var unchanged = store.findAccount(account.id()).orElseThrow();
        assertThat(unchanged.email()).isEqualTo(account.email());
        assertThat(unchanged.pendingEmail()).isEqualTo(newEmail);
        assertThat(store.findToken(verification.tokenHash(), TokenPurpose.VERIFY)).isPresent();
    }

    @Test
    void aPendingChangeCanBeCalledOff() {
        var account = insert(newAccount(uniqueEmail()));
        String newEmail = uniqueEmail();
        store.updatePendingEmail(account.id(), newEmail, now,
                token(account.id(), TokenPurpose.VERIFY, newEmail, Duration.ofHours(24)), mail(newEmail));

        var calledOff = store.updatePendingEmail(account.id(), null, now, null, null).orElseThrow();

        assertThat(calledOff.pendingEmail()).isNull();
        assertThat(store.updatePendingEmail(new AccountId(Ids.timeOrdered(AccountId.PREFIX, 0)), null, now, null,
                null)).isEmpty();
    }

    @Test
    void aResetTokenSetsThePasswordOnceAndEndsEverySession() {
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
        var first = started(account, now.plusSeconds(600));
        var second = started(account, now.plusSeconds(600));
        var othersSession = started(other, now.plusSeconds(600));
        var reset = token(account.id(), TokenPurpose.RESET, account.email(), Duration.ofMinutes(30));
        store.replaceToken(reset, mail(account.email()));

        assertThat(store.resetPassword(reset.tokenHash(), other.id(), "$argon2id$other", now)).isFalse();
        assertThat(store.resetPassword(reset.tokenHash(), account.id(), "$argon2id$new", now)).isTrue();

        var changed = store.findAccount(account.id()).orElseThrow();
        assertThat(changed.passwordHash()).isEqualTo("$argon2id$new");
        assertThat(changed.emailVerifiedAt()).isEqualTo(now);
        assertThat(store.findSession(first.id())).isEmpty();
        assertThat(store.findSession(second.id())).isEmpty();
        assertThat(store.findSession(othersSession.id())).isPresent();
        assertThat(store.findAccount(other.id()).orElseThrow().passwordHash()).isEqualTo(other.passwordHash());
        assertThat(store.resetPassword(reset.tokenHash(), account.id(), "$argon2id$again", now)).isFalse();
        assertThat(store.findAccount(account.id()).orElseThrow().passwordHash()).isEqualTo("$argon2id$new");
    }

    @Test
    void onlyExpiredTokensArePurged() {
        var account = insert(newAccount(uniqueEmail()));
        var expired = token(account.id(), TokenPurpose.RESET, account.email(), Duration.ofMinutes(-1));
        var live = token(account.id(), TokenPurpose.VERIFY, account.email(), Duration.ofMinutes(1));
        store.replaceToken(expired, mail(account.email()));
        store.replaceToken(live, mail(account.email()));

        assertThat(store.deleteExpiredTokens(Instant.now())).isGreaterThanOrEqualTo(1);

        assertThat(store.findToken(expired.tokenHash(), TokenPurpose.RESET)).isEmpty();
        assertThat(store.findToken(live.tokenHash(), TokenPurpose.VERIFY)).isPresent();
    }

    @Test
    void sessionsAreListedWithTheirDetailsOnlyToTheirAccountAndOnlyWhileLive() {
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
        var older = started(account, now.plusSeconds(600));
        var expired = started(account, now.minusSeconds(1));
        started(other, now.plusSeconds(600));

        var listed = store.listSessions(account.id(), now);

        assertThat(listed).extracting(IdentityStore.SessionDetailsRecord::id).containsExactly(older.id());
        var details = listed.get(0);
        assertThat(details.createdAt()).isEqualTo(now);
        assertThat(details.lastUsedAt()).as("a new session was last used when it started").isEqualTo(now);
        assertThat(details.expiresAt()).isEqualTo(now.plusSeconds(600));
        assertThat(details.userAgent()).isEqualTo("Mozilla/5.0 (contract)");
        assertThat(details.clientAddress()).isEqualTo("192.0.2.7");
        assertThat(store.findSession(expired.id())).isPresent();
    }

    @Test
    void aSessionIsEndedOnlyByItsOwnAccountAndOthersCanBeEndedKeepingOne() {
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
        var kept = started(account, now.plusSeconds(600));
        var second = started(account, now.plusSeconds(600));
        var third = started(account, now.plusSeconds(600));
        var others = started(other, now.plusSeconds(600));

        assertThat(store.deleteSession(other.id(), second.id())).as("another account's id").isFalse();
        assertThat(store.findSession(second.id())).isPresent();
        assertThat(store.deleteSession(account.id(), second.id())).isTrue();
        assertThat(store.deleteSession(account.id(), second.id())).as("already ended").isFalse();
        assertThat(store.deleteOtherSessions(account.id(), kept.id())).isEqualTo(1);

        assertThat(store.findSession(kept.id())).isPresent();
        assertThat(store.findSession(third.id())).isEmpty();
        assertThat(store.findSession(others.id())).as("another account's session").isPresent();
    }

    @Test
    void lastUseIsWrittenOnlyWhenStaleSoOfTwoTouchesOnlyOneWrites() {
        var account = insert(newAccount(uniqueEmail()));
        var session = started(account, now.plusSeconds(6000));
        Instant later = now.plusSeconds(90);
        Instant staleBefore = later.minusSeconds(60);

        assertThat(store.touchSession(session.id(), now.plusSeconds(30), now.plusSeconds(30).minusSeconds(60)))
                .as("used 30 s after it started: not stale").isFalse();
        assertThat(store.touchSession(session.id(), later, staleBefore)).isTrue();
        assertThat(store.touchSession(session.id(), later, staleBefore)).as("the second of two at once").isFalse();
        assertThat(store.findSession(session.id()).orElseThrow().lastUsedAt()).isEqualTo(later);
    }

    NewApiKeyRecord newKey(AccountId account, Set<ApiScope> scopes, Instant expiresAt) {
        byte[] hash = new byte[32];
        ThreadLocalRandom.current().nextBytes(hash);
        return new NewApiKeyRecord(new ApiKeyId(Ids.timeOrdered(ApiKeyId.PREFIX, now.toEpochMilli())), account,
                "deploy script", "quire_pat_abcdef", HexFormat.of().formatHex(hash), scopes, now, expiresAt);
    }

    @Test
    void anApiKeyIsFoundByItsSecretHashWithItsScopesAndAccount() {
        var account = insert(newAccount(uniqueEmail()));
        var key = newKey(account.id(), EnumSet.of(ApiScope.TODOS_READ, ApiScope.ACCOUNT_READ), null);
        store.insertApiKey(key);

        var found = store.findApiKeyBySecretHash(key.secretHash()).orElseThrow();

        assertThat(found.key().id()).isEqualTo(key.id());
        assertThat(found.key().accountId()).isEqualTo(account.id());
        assertThat(found.key().scopes()).containsExactlyInAnyOrder(ApiScope.TODOS_READ, ApiScope.ACCOUNT_READ);
        assertThat(found.key().name()).isEqualTo("deploy script");
        assertThat(found.key().prefix()).isEqualTo("quire_pat_abcdef");
        assertThat(found.key().createdAt()).isEqualTo(now);
        assertThat(found.key().lastUsedAt()).isNull();
        assertThat(found.key().expiresAt()).isNull();
        assertThat(found.accountEmail()).isEqualTo(account.email());
        assertThat(store.findApiKeyBySecretHash("0".repeat(64))).isEmpty();
    }

    @Test
    void apiKeysAreListedNewestFirstAndRevokedOnlyByTheirAccount() {
        var account = insert(newAccount(uniqueEmail()));
        var other = insert(newAccount(uniqueEmail()));
        var first = newKey(account.id(), EnumSet.of(ApiScope.TODOS_WRITE), now.plusSeconds(60));
        store.insertApiKey(first);
        var second = new NewApiKeyRecord(new ApiKeyId(Ids.timeOrdered(ApiKeyId.PREFIX, now.toEpochMilli() + 1)),
                account.id(), "second", "quire_pat_zzzzzz", "b".repeat(64), EnumSet.allOf(ApiScope.class),
                now.plusMillis(1), null);
        store.insertApiKey(second);
        store.insertApiKey(newKey(other.id(), EnumSet.of(ApiScope.TODOS_READ), null));

        assertThat(store.listApiKeys(account.id())).extracting(IdentityStore.ApiKeyRecord::id)
                .containsExactly(second.id(), first.id());
        assertThat(store.listApiKeys(account.id()).get(1).expiresAt()).isEqualTo(now.plusSeconds(60));
        assertThat(store.deleteApiKey(other.id(), first.id())).as("another account's key").isFalse();
        assertThat(store.deleteApiKey(account.id(), first.id())).isTrue();
        assertThat(store.findApiKey(first.id())).isEmpty();
        assertThat(store.findApiKeyBySecretHash(first.secretHash())).isEmpty();
        assertThat(store.deleteApiKey(account.id(), first.id())).isFalse();
    }

    @Test
    void aKeysLastUseIsWrittenOnFirstUseAndThenOnlyWhenStale() {
        var account = insert(newAccount(uniqueEmail()));
        var key = newKey(account.id(), EnumSet.of(ApiScope.TODOS_READ), null);
        store.insertApiKey(key);

        assertThat(store.touchApiKey(key.id(), now, now.minusSeconds(60))).as("never used").isTrue();
        assertThat(store.touchApiKey(key.id(), now.plusSeconds(30), now.minusSeconds(30))).isFalse();
        assertThat(store.touchApiKey(key.id(), now.plusSeconds(61), now.plusSeconds(1))).isTrue();
        assertThat(store.touchApiKey(key.id(), now.plusSeconds(61), now.plusSeconds(1))).isFalse();
        assertThat(store.findApiKey(key.id()).orElseThrow().lastUsedAt()).isEqualTo(now.plusSeconds(61));
    }
}
