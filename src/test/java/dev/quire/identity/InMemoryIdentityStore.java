package dev.quire.identity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The identity store in memory, for service tests; {@link IdentityStoreContract} holds it to the JDBC store's behaviour. */
final class InMemoryIdentityStore implements IdentityStore {
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
    public synchronized void replacePasswordHash(AccountId id, String passwordHash, Instant now, SessionId keep) {
        accounts.computeIfPresent(id, (key, old) -> new AccountRecord(old.id(), old.email(), passwordHash,
                old.displayName(), old.createdAt(), now));
        sessions.values().removeIf(session -> session.accountId().equals(id) && !session.id().equals(keep));
    }

    @Override
    public void insertSession(NewSessionRecord session) {
        if (!accounts.containsKey(session.accountId())) {
            throw new IllegalStateException("No account " + session.accountId());
        }
        sessions.put(session.id(), session);
    }

    @Override
    public Optional<SessionRecord> findSession(SessionId id) {
        return Optional.ofNullable(sessions.get(id)).map(session -> new SessionRecord(session.id(),
                accounts.get(session.accountId()), session.secretHash(), session.createdAt(), session.expiresAt()));
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
    public void deleteExpiredSessions(AccountId accountId, Instant now) {
        sessions.values().removeIf(session -> session.accountId().equals(accountId)
                && !session.expiresAt().isAfter(now));
    }
}
