package dev.quire.identity;

import java.time.Instant;
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
        return true;
    }

    @Override
    public Optional<SessionWithAccountRecord> findSession(SessionId id) {
        return Optional.ofNullable(sessions.get(id)).map(session -> {
            var account = accounts.get(session.accountId());
            return new SessionWithAccountRecord(session.id(), session.secretHash(), session.createdAt(),
                    session.expiresAt(), account.id(), account.email(), account.displayName(), account.createdAt());
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
}
