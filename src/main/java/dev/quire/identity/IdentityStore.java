package dev.quire.identity;

import java.time.Instant;
import java.util.Optional;

/** Where accounts and sessions are kept. Only {@link IdentityService} and the store tests see it. */
interface IdentityStore {

    record NewAccountRecord(AccountId id, String email, String emailKey, String passwordHash, String displayName,
                            Instant createdAt) {
        @Override
        public String toString() {
            return "NewAccountRecord[id=" + id + ", email=" + email + "]";
        }
    }

    record AccountRecord(AccountId id, String email, String passwordHash, String displayName, Instant createdAt,
                         Instant updatedAt) {
        @Override
        public String toString() {
            return "AccountRecord[id=" + id + ", email=" + email + "]";
        }
    }

    record NewSessionRecord(SessionId id, AccountId accountId, String secretHash, Instant createdAt,
                            Instant expiresAt) {}

    /** A session joined with what a request needs of its account (not the password hash). */
    record SessionWithAccountRecord(SessionId id, String secretHash, Instant createdAt, Instant expiresAt,
                                    AccountId accountId, String accountEmail, String accountDisplayName,
                                    Instant accountCreatedAt) {}

    /** @throws EmailAlreadyRegisteredException when another account has the same email key */
    AccountRecord insertAccount(NewAccountRecord account);

    Optional<AccountRecord> findAccount(AccountId id);

    Optional<AccountRecord> findAccountByEmailKey(String emailKey);

    /** @return the account as changed, or empty if it does not exist */
    Optional<AccountRecord> updateDisplayName(AccountId id, String displayName, Instant now);

    /**
     * Replaces the password hash, if it still is {@code expectedHash}, and ends every session of the account
     * except {@code keep}, atomically.
     *
     * @return false (and nothing changed) when the hash was no longer {@code expectedHash}
     */
    boolean replacePasswordHash(AccountId id, String expectedHash, String newHash, Instant now, SessionId keep);

    /**
     * Starts a session only if the account's password hash still is {@code passwordHash}, the one the password
     * was verified against; atomically with respect to {@link #replacePasswordHash}, so a sign-in racing a
     * password change can never leave behind a session made with the old password.
     *
     * @return false (and nothing stored) when the hash has changed or the account is gone
     */
    boolean insertSessionIfPasswordHashIs(NewSessionRecord session, String passwordHash);

    Optional<SessionWithAccountRecord> findSession(SessionId id);

    void deleteSession(SessionId id);

    void deleteSessions(AccountId accountId);

    /** @return how many sessions, of any account, had expired by {@code now} and were deleted */
    int deleteExpiredSessions(Instant now);
}
