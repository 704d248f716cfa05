package dev.quire.identity;

import dev.quire.mail.Mail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity store in memory, for service tests; {@link IdentityStoreContract} holds it to the JDBC store's
 * behaviour. Not final: a test may override a step to put a failure or a race exactly where it wants one.
 */
class InMemoryIdentityStore implements IdentityStore {
    private final Map<AccountId, AccountRecord> accounts = new ConcurrentHashMap<>();
    private final Map<String, AccountId> byEmailKey = new ConcurrentHashMap<>();
    private final Map<SessionId, NewSessionRecord> sessions = new ConcurrentHashMap<>();
    private final Map<String, EmailTokenRecord> tokens = new ConcurrentHashMap<>();
    /** The mails queued, oldest first: what the outbox table holds in the JDBC store. */
    private final List<Mail> mails = new ArrayList<>();

    synchronized List<Mail> mails() {
        return List.copyOf(mails);
    }
    private final Map<SessionId, Instant> sessionsLastUsed = new ConcurrentHashMap<>();
    private final Map<ApiKeyId, ApiKeyRecord> keys = new ConcurrentHashMap<>();
    private final Map<String, ApiKeyId> keysBySecretHash = new ConcurrentHashMap<>();

    @Override
    public synchronized AccountRecord insertAccount(NewAccountRecord account, EmailTokenRecord verification,
            Mail mail) {
        if (byEmailKey.putIfAbsent(account.emailKey(), account.id()) != null) {
            throw new EmailAlreadyRegisteredException();
        }
        var record = new AccountRecord(account.id(), account.email(), account.passwordHash(), account.displayName(),
                account.createdAt(), account.createdAt(), null, null);
        accounts.put(account.id(), record);
        tokens.put(verification.tokenHash(), verification);
        mails.add(mail);
        return record;
    }

    @Override
    public Optional<AccountRecord> findAccount(AccountId id) {
        return Optional.ofNullable(accounts.get(id));
    }

    @Override
    public Optional<AccountRecord> findAccountByEmailKey(String emailKey) {
        return Optional.ofNullable(byEmailKey.get(emailKey)).map(accounts::get);
    }

    @Override
    public synchronized Optional<AccountRecord> updateDisplayName(AccountId id, String displayName, Instant now) {
        return Optional.ofNullable(accounts.computeIfPresent(id, (key, old) -> new AccountRecord(old.id(), old.email(),
                old.passwordHash(), displayName, old.createdAt(), now, old.emailVerifiedAt(), old.pendingEmail())));
    }

    @Override
    public synchronized boolean replacePasswordHash(AccountId id, String expectedHash, String newHash, Instant now,
            SessionId keep) {
        var old = accounts.get(id);
        if (old == null || !old.passwordHash().equals(expectedHash)) {
            return false;
        }
        accounts.put(id, new AccountRecord(old.id(), old.email(), newHash, old.displayName(), old.createdAt(), now,
                old.emailVerifiedAt(), null));
        removeChangeTokens(id, old.email());
        removeToken(id, TokenPurpose.RESET);
        sessions.values().removeIf(session -> session.accountId().equals(id) && !session.id().equals(keep));
        return true;
    }

    @Override
    public synchronized boolean insertSessionIfPasswordHashIs(NewSessionRecord session, String passwordHash) {
        var account = accounts.get(session.accountId());
        if (account == null || !account.passwordHash().equals(passwordHash)) {
            return false;
        }
        sessions.put(session.id(), session);
        sessionsLastUsed.put(session.id(), session.createdAt());
        return true;
    }

    @Override
    public Optional<SessionWithAccountRecord> findSession(SessionId id) {
        return Optional.ofNullable(sessions.get(id)).map(session -> {
            var account = accounts.get(session.accountId());
            return new SessionWithAccountRecord(session.id(), session.secretHash(), session.createdAt(),
                    session.expiresAt(), sessionsLastUsed.get(session.id()), account.id(), account.email(),
                    account.displayName(), account.createdAt(), account.emailVerifiedAt(), account.pendingEmail());
        });
    }

    @Override
    public void deleteSession(SessionId id) {
        sessions.remove(id);
    }

    @Override
    public void deleteSessions(AccountId accountId) {
        sessions.values().removeIf(session -> session.accountId().equals(accountId));
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        int before = sessions.size();
        sessions.values().removeIf(session -> !session.expiresAt().isAfter(now));
        return before - sessions.size();
    }

    @Override
    public synchronized boolean replaceToken(EmailTokenRecord token, Mail mail) {
        if (!accounts.containsKey(token.accountId())) {
            return false;
        }
        removeToken(token.accountId(), token.purpose());
        tokens.put(token.tokenHash(), token);
        mails.add(mail);
        return true;
    }

    @Override
    public List<SessionDetailsRecord> listSessions(AccountId accountId, Instant now) {
        return sessions.values().stream()
                .filter(session -> session.accountId().equals(accountId) && session.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(NewSessionRecord::createdAt)
                        .thenComparing(session -> session.id().value()).reversed())
                .map(session -> new SessionDetailsRecord(session.id(), session.createdAt(),
                        sessionsLastUsed.get(session.id()), session.expiresAt(), session.userAgent(),
                        session.clientAddress()))
                .limit(1000)
                .toList();
    }

    @Override
    public synchronized boolean deleteSession(AccountId accountId, SessionId id) {
        var session = sessions.get(id);
        return session != null && session.accountId().equals(accountId) && sessions.remove(id) != null;
    }

    @Override
    public synchronized int deleteOtherSessions(AccountId accountId, SessionId keep) {
        int before = sessions.size();
        sessions.values().removeIf(session -> session.accountId().equals(accountId) && !session.id().equals(keep));
        return before - sessions.size();
    }

    @Override
    public synchronized boolean touchSession(SessionId id, Instant now, Instant staleBefore) {
        var last = sessionsLastUsed.get(id);
        if (!sessions.containsKey(id) || last == null || !last.isBefore(staleBefore)) {
            return false;
        }
        sessionsLastUsed.put(id, now);
        return true;
    }

    @Override
    public Optional<EmailTokenRecord> findToken(String tokenHash, TokenPurpose purpose) {
        return Optional.ofNullable(tokens.get(tokenHash)).filter(token -> token.purpose() == purpose);
    }

    @Override
    public synchronized Optional<AccountRecord> updatePendingEmail(AccountId id, String pendingEmail, Instant now,
            EmailTokenRecord token, Mail mail) {
        var old = accounts.get(id);
        if (old == null) {
            return Optional.empty();
        }
        var changed = new AccountRecord(old.id(), old.email(), old.passwordHash(), old.displayName(), old.createdAt(),
                now, old.emailVerifiedAt(), pendingEmail);
        accounts.put(id, changed);
        if (pendingEmail != null) {
            removeToken(id, TokenPurpose.VERIFY);
            tokens.put(token.tokenHash(), token);
            mails.add(mail);
        }
        return Optional.of(changed);
    }

    @Override
    public synchronized Optional<AccountRecord> verifyEmail(String tokenHash, AccountId id, String email, Instant now) {
        var token = tokens.get(tokenHash);
        var old = accounts.get(id);
        if (token == null || token.purpose() != TokenPurpose.VERIFY || !token.accountId().equals(id) || old == null
                || !old.email().equals(email)) {
            return Optional.empty();
        }
        tokens.remove(tokenHash);
        var changed = new AccountRecord(old.id(), old.email(), old.passwordHash(), old.displayName(), old.createdAt(),
                now, now, old.pendingEmail());
        accounts.put(id, changed);
        return Optional.of(changed);
    }

    @Override
    public synchronized Optional<AccountRecord> confirmEmailChange(String tokenHash, AccountId id, String newEmail,
            String newEmailKey, Instant now, Mail notice) {
        var token = tokens.get(tokenHash);
        var old = accounts.get(id);
        if (token == null || token.purpose() != TokenPurpose.VERIFY || !token.accountId().equals(id) || old == null
                || !newEmail.equals(old.pendingEmail())) {
            return Optional.empty();
        }
        if (byEmailKey.putIfAbsent(newEmailKey, id) != null) {
            throw new EmailAlreadyRegisteredException();
        }
        byEmailKey.remove(old.email().toLowerCase(java.util.Locale.ROOT), id);
        tokens.remove(tokenHash);
        removeToken(id, TokenPurpose.RESET);
        var changed = new AccountRecord(old.id(), newEmail, old.passwordHash(), old.displayName(), old.createdAt(),
                now, now, null);
        accounts.put(id, changed);
        mails.add(notice);
        return Optional.of(changed);
    }

    @Override
    public synchronized boolean resetPassword(String tokenHash, AccountId id, String newHash, Instant now) {
        var token = tokens.get(tokenHash);
        var old = accounts.get(id);
        if (token == null || token.purpose() != TokenPurpose.RESET || !token.accountId().equals(id) || old == null) {
            return false;
        }
        tokens.remove(tokenHash);
        if (old.emailVerifiedAt() == null) {
            keysBySecretHash.values().removeIf(key -> keys.get(key).accountId().equals(id));
            keys.values().removeIf(key -> key.accountId().equals(id));
        }
        removeChangeTokens(id, old.email());
        accounts.put(id, new AccountRecord(old.id(), old.email(), newHash, old.displayName(), old.createdAt(), now,
                old.emailVerifiedAt() == null ? now : old.emailVerifiedAt(), null));
        deleteSessions(id);
        return true;
    }

    @Override
    public synchronized void insertApiKey(NewApiKeyRecord key) {
        if (keysBySecretHash.putIfAbsent(key.secretHash(), key.id()) != null) {
            throw new IllegalStateException("Two keys with one secret");
        }
        keys.put(key.id(), new ApiKeyRecord(key.id(), key.accountId(), key.name(), key.prefix(), key.scopes(),
                key.createdAt(), null, key.expiresAt()));
    }

    @Override
    public List<ApiKeyRecord> listApiKeys(AccountId accountId) {
        return keys.values().stream().filter(key -> key.accountId().equals(accountId))
                .sorted(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(key -> key.id().value())
                        .reversed())
                .limit(1000)
                .toList();
    }

    @Override
    public Optional<ApiKeyRecord> findApiKey(ApiKeyId id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public Optional<ApiKeyWithAccountRecord> findApiKeyBySecretHash(String secretHash) {
        return Optional.ofNullable(keysBySecretHash.get(secretHash)).map(keys::get).map(key -> {
            var account = accounts.get(key.accountId());
            return new ApiKeyWithAccountRecord(key, account.email(), account.displayName(), account.createdAt(),
                    account.emailVerifiedAt(), account.pendingEmail());
        });
    }

    @Override
    public synchronized boolean deleteApiKey(AccountId accountId, ApiKeyId id) {
        var key = keys.get(id);
        if (key == null || !key.accountId().equals(accountId)) {
            return false;
        }
        keys.remove(id);
        keysBySecretHash.values().remove(id);
        return true;
    }

    @Override
    public int deleteExpiredTokens(Instant now) {
        int before = tokens.size();
        tokens.values().removeIf(token -> !token.expiresAt().isAfter(now));
        return before - tokens.size();
    }

    private void removeChangeTokens(AccountId id, String email) {
        tokens.values().removeIf(token -> token.accountId().equals(id) && token.purpose() == TokenPurpose.VERIFY
                && !token.email().equals(email));
    }

    private void removeToken(AccountId id, TokenPurpose purpose) {
        tokens.values().removeIf(token -> token.accountId().equals(id) && token.purpose() == purpose);
    }

    @Override
    public synchronized boolean touchApiKey(ApiKeyId id, Instant now, Instant staleBefore) {
        var key = keys.get(id);
        if (key == null || key.lastUsedAt() != null && !key.lastUsedAt().isBefore(staleBefore)) {
            return false;
        }
        keys.put(id, new ApiKeyRecord(key.id(), key.accountId(), key.name(), key.prefix(), key.scopes(),
                key.createdAt(), now, key.expiresAt()));
        return true;
    }
}
