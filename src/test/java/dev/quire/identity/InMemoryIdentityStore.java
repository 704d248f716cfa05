package dev.quire.identity;

import java.time.Instant;
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
    private final Map<SessionId, Instant> sessionsLastUsed = new ConcurrentHashMap<>();
    private final Map<ApiKeyId, ApiKeyRecord> keys = new ConcurrentHashMap<>();
    private final Map<String, ApiKeyId> keysBySecretHash = new ConcurrentHashMap<>();

    @Override
    public synchronized AccountRecord insertAccount(NewAccountRecord account) {
        if (byEmailKey.putIfAbsent(account.emailKey(), account.id()) != null) {
            throw new EmailAlreadyRegisteredException();
        }
        var record = new AccountRecord(account.id(), account.email(), account.passwordHash(), account.displayName(),
                account.createdAt(), account.createdAt());
        accounts.put(account.id(), record);
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
                old.passwordHash(), displayName, old.createdAt(), now)));
    }

    @Override
    public synchronized boolean replacePasswordHash(AccountId id, String expectedHash, String newHash, Instant now,
            SessionId keep) {
        var old = accounts.get(id);
        if (old == null || !old.passwordHash().equals(expectedHash)) {
            return false;
        }
        accounts.put(id, new AccountRecord(old.id(), old.email(), newHash, old.displayName(), old.createdAt(), now));
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
                    session.expiresAt(), sessionsLastUsed.get(session.id()), account.id(), account.email(), account.displayName(), account.createdAt());
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
            return new ApiKeyWithAccountRecord(key, account.email(), account.displayName(), account.createdAt());
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
