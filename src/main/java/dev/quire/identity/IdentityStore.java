package dev.quire.identity;

import dev.quire.mail.Mail;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where accounts and sessions are kept. Only {@link IdentityService} and the store tests see it. */
interface IdentityStore {

    record NewAccountRecord(AccountId id, String email, String emailKey, String passwordHash, String displayName,
                            Instant createdAt) {
        @Override
        public String toString() {
            return "NewAccountRecord[id=" + id + ", email=" + email + "]";
        }
    }

    /**
     * @param emailVerifiedAt when {@code email} was confirmed through a mailed link; null while it is not
     * @param pendingEmail an address the holder asked to change to, not yet confirmed; null when none
     */
    record AccountRecord(AccountId id, String email, String passwordHash, String displayName, Instant createdAt,
                         Instant updatedAt, Instant emailVerifiedAt, String pendingEmail) {
        @Override
        public String toString() {
            return "AccountRecord[id=" + id + ", email=" + email + "]";
        }
    }

    /** @param userAgent the sign-in's User-Agent, already bounded, or null; @param clientAddress or null */
    record NewSessionRecord(SessionId id, AccountId accountId, String secretHash, Instant createdAt,
                            Instant expiresAt, String userAgent, String clientAddress) {}

    /** A session joined with what a request needs of its account (not the password hash). */
    record SessionWithAccountRecord(SessionId id, String secretHash, Instant createdAt, Instant expiresAt,
                                    Instant lastUsedAt, AccountId accountId, String accountEmail,
                                    String accountDisplayName, Instant accountCreatedAt,
                                    Instant accountEmailVerifiedAt, String accountPendingEmail) {}

    /** A session as its holder sees it listed. */
    record SessionDetailsRecord(SessionId id, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
                                String userAgent, String clientAddress) {}

    record NewApiKeyRecord(ApiKeyId id, AccountId accountId, String name, String prefix, String secretHash,
                           Set<ApiScope> scopes, Instant createdAt, Instant expiresAt) {}

    /** A key without its hash; {@code lastUsedAt} and {@code expiresAt} may be null. */
    record ApiKeyRecord(ApiKeyId id, AccountId accountId, String name, String prefix, Set<ApiScope> scopes,
                        Instant createdAt, Instant lastUsedAt, Instant expiresAt) {}

    /** A key joined with what a request needs of its account. */
    record ApiKeyWithAccountRecord(ApiKeyRecord key, String accountEmail, String accountDisplayName,
                                   Instant accountCreatedAt, Instant accountEmailVerifiedAt,
                                   String accountPendingEmail) {}

    /** What a mailed token is for: {@code VERIFY} confirms an address, {@code RESET} sets a new password. */
    enum TokenPurpose {
        VERIFY("verify"), RESET("reset");

        final String column;

        TokenPurpose(String column) {
            this.column = column;
        }
    }

    /**
     * A mailed token, by the SHA-256 of its text.
     *
     * @param email the address the token was mailed to (for {@code VERIFY}, the one it confirms)
     */
    record EmailTokenRecord(String tokenHash, AccountId accountId, TokenPurpose purpose, String email,
                            Instant createdAt, Instant expiresAt) {}

    /**
     * Inserts the account, its first verification token and the mail carrying it, atomically: no account without
     * its mail, no mail for an account that was not made.
     *
     * @throws EmailAlreadyRegisteredException when another account has the same email key
     */
    AccountRecord insertAccount(NewAccountRecord account, EmailTokenRecord verification, Mail mail);

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

    /**
     * Stores {@code token} in place of any token of the same account and purpose, and queues {@code mail},
     * atomically.
     *
     * @return false (nothing stored, nothing queued) when the account is gone
     */
    boolean replaceToken(EmailTokenRecord token, Mail mail);

    /** The token with this hash and purpose, expired or not. */
    Optional<EmailTokenRecord> findToken(String tokenHash, TokenPurpose purpose);

    /**
     * Sets the account's pending email ({@code null}: none) and, when one is set, replaces its verification token
     * with {@code token} and queues {@code mail}, atomically.
     *
     * @return the account as changed, or empty when it is gone
     */
    Optional<AccountRecord> updatePendingEmail(AccountId id, String pendingEmail, Instant now, EmailTokenRecord token,
            Mail mail);

    /**
     * Uses a verification token of the account's current email: deletes it and marks the email verified, if the
     * token still exists and the account's email still is {@code email}.
     *
     * @return the account as changed, or empty (nothing changed) when the token or the address was gone
     */
    Optional<AccountRecord> verifyEmail(String tokenHash, AccountId id, String email, Instant now);

    /**
     * Uses a verification token of the pending email: deletes it, makes {@code newEmail} the account's verified
     * email (ending any reset token, which went to the old address) and queues {@code notice}, atomically, if the
     * token still exists and the pending email still is {@code newEmail}.
     *
     * @return the account as changed, or empty (nothing changed) when the token or the pending address was gone
     * @throws EmailAlreadyRegisteredException when another account has taken the address meanwhile
     */
    Optional<AccountRecord> confirmEmailChange(String tokenHash, AccountId id, String newEmail, String newEmailKey,
            Instant now, Mail notice);

    /**
     * Uses a reset token: deletes it, replaces the account's password hash, marks its email verified (the token
     * was mailed to it) and ends every session of the account, atomically, if the token still exists.
     *
     * @return false (nothing changed) when the token was gone: used by someone else first
     */
    boolean resetPassword(String tokenHash, AccountId id, String newHash, Instant now);

    /** @return how many tokens, of any account, had expired by {@code now} and were deleted */
    int deleteExpiredTokens(Instant now);

    /** The account's sessions that have not expired by {@code now}, the most recently started first; 1,000 at most. */
    List<SessionDetailsRecord> listSessions(AccountId accountId, Instant now);

    /** Ends the session only if it is {@code accountId}'s. @return whether it was (and is now ended) */
    boolean deleteSession(AccountId accountId, SessionId id);

    /** Ends every session of the account but {@code keep}. @return how many ended */
    int deleteOtherSessions(AccountId accountId, SessionId keep);

    /**
     * Sets the session's last use to {@code now}, only if it was before {@code staleBefore}: one conditional
     * statement, so that of concurrent requests at most one writes.
     *
     * @return whether this call wrote
     */
    boolean touchSession(SessionId id, Instant now, Instant staleBefore);

    void insertApiKey(NewApiKeyRecord key);

    /** The account's keys, expired ones included, the newest first; 1,000 at most. */
    List<ApiKeyRecord> listApiKeys(AccountId accountId);

    Optional<ApiKeyRecord> findApiKey(ApiKeyId id);

    /** The key whose secret has this SHA-256 (hex), whether or not it has expired. */
    Optional<ApiKeyWithAccountRecord> findApiKeyBySecretHash(String secretHash);

    /** Revokes the key only if it is {@code accountId}'s. @return whether it was (and is now gone) */
    boolean deleteApiKey(AccountId accountId, ApiKeyId id);

    /** As {@link #touchSession}, for a key; a key never used (no last use) counts as stale. */
    boolean touchApiKey(ApiKeyId id, Instant now, Instant staleBefore);
}
