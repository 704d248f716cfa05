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

    /** A session joined with its account. */
    record SessionRecord(SessionId id, AccountRecord account, String secretHash, Instant createdAt,
                         Instant expiresAt) {}

    /** @throws EmailAlreadyRegisteredException when another account has the same email key */
    AccountRecord insertAccount(NewAccountRecord account);

    Optional<AccountRecord> findAccount(AccountId id);

    Optional<AccountRecord> findAccountByEmailKey(String emailKey);

    /** @return the account as changed, or empty if it does not exist */
    Optional<AccountRecord> updateDisplayName(AccountId id, String displayName, Instant now);

    /** Replaces the password hash and ends every session of the account except {@code keep}, atomically. */
    void replacePasswordHash(AccountId id, String passwordHash, Instant now, SessionId keep);

    void insertSession(NewSessionRecord session);

    Optional<SessionRecord> findSession(SessionId id);

    void deleteSession(SessionId id);

    void deleteSessions(AccountId accountId);

    void deleteExpiredSessions(AccountId accountId, Instant now);
}
