package dev.quire.identity;

import dev.quire.mail.Mail;
import java.time.Instant;
import java.util.ArrayList;
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
                old.emailVerifiedAt(), old.pendingEmail()));
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
                    session.expiresAt(), account.id(), account.email(), account.displayName(), account.createdAt(),
                    account.emailVerifiedAt(), account.pendingEmail());
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
        accounts.put(id, new AccountRecord(old.id(), old.email(), newHash, old.displayName(), old.createdAt(), now,
                old.emailVerifiedAt() == null ? now : old.emailVerifiedAt(), old.pendingEmail()));
        deleteSessions(id);
        return true;
    }

    @Override
    public int deleteExpiredTokens(Instant now) {
        int before = tokens.size();
        tokens.values().removeIf(token -> !token.expiresAt().isAfter(now));
        return before - tokens.size();
    }

    private void removeToken(AccountId id, TokenPurpose purpose) {
        tokens.values().removeIf(token -> token.accountId().equals(id) && token.purpose() == purpose);
    }
}
