package dev.quire.identity;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import dev.quire.mail.Mail;
import dev.quire.mail.MailOutbox;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link IdentityStore} on the accounts, sessions, email_tokens and api_keys tables (migrations V2, V9, V10), for H2
 * and PostgreSQL alike. Mails are queued through the mail outbox in the transaction of the change that causes them.
 */
final class JdbcIdentityStore implements IdentityStore {
    private static final String ACCOUNT_COLUMNS =
            "id, email, password_hash, display_name, created_at, updated_at, email_verified_at, pending_email";
    private static final String INSERT_ACCOUNT = """
            insert into accounts (id, email, email_key, password_hash, display_name, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    private static final String ACCOUNT_BY_ID = "select " + ACCOUNT_COLUMNS + " from accounts where id = ?";
    private static final String ACCOUNT_BY_EMAIL_KEY = "select " + ACCOUNT_COLUMNS + " from accounts where email_key = ?";
    private static final String UPDATE_DISPLAY_NAME =
            "update accounts set display_name = ?, updated_at = ? where id = ?";
    // a new password calls off a pending change of address: whoever asked for it may be who the new password is
    // meant to shut out (its link would otherwise still move the account to their address)
    private static final String UPDATE_PASSWORD_HASH = """
            update accounts set password_hash = ?, pending_email = null, updated_at = ?
            where id = ? and password_hash = ?""";
    /** The links of a change of address (a verification token for another address than the account's). */
    private static final String DELETE_CHANGE_TOKENS = """
            delete from email_tokens where account_id = ? and purpose = 'verify'
            and email <> (select a.email from accounts a where a.id = ?)""";
    /**
     * Keys made before the address was proven: a reset is the first proof that whoever holds the address owns the
     * account, and a key made by someone who signed up with another person's address must not outlive it.
     */
    private static final String DELETE_KEYS_IF_UNVERIFIED = """
            delete from api_keys where account_id = ?
            and exists (select 1 from accounts a where a.id = ? and a.email_verified_at is null)""";
    private static final String LOCK_PASSWORD_HASH = "select password_hash from accounts where id = ? for update";
    private static final String DELETE_OTHER_SESSIONS = "delete from sessions where account_id = ? and id <> ?";
    private static final String INSERT_SESSION = """
            insert into sessions (id, account_id, secret_hash, created_at, expires_at, last_used_at, user_agent,
                                  client_address)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String SESSION_BY_ID = """
            select s.id, s.secret_hash, s.created_at, s.expires_at, s.last_used_at, a.id as account_id, a.email,
                   a.display_name, a.created_at as account_created_at, a.email_verified_at, a.pending_email
            from sessions s join accounts a on a.id = s.account_id
            where s.id = ?""";
    private static final String DELETE_SESSION = "delete from sessions where id = ?";
    private static final String DELETE_SESSIONS = "delete from sessions where account_id = ?";
    private static final String DELETE_EXPIRED_SESSIONS = "delete from sessions where expires_at <= ?";
    private static final String LOCK_ACCOUNT = "select id from accounts where id = ? for update";
    private static final String DELETE_ACCOUNT_TOKEN = "delete from email_tokens where account_id = ? and purpose = ?";
    private static final String INSERT_TOKEN = """
            insert into email_tokens (token_hash, account_id, purpose, email, created_at, expires_at)
            values (?, ?, ?, ?, ?, ?)""";
    private static final String TOKEN_BY_HASH = """
            select token_hash, account_id, purpose, email, created_at, expires_at
            from email_tokens where token_hash = ? and purpose = ?""";
    private static final String DELETE_TOKEN = "delete from email_tokens where token_hash = ? and account_id = ? and purpose = ?";
    private static final String DELETE_EXPIRED_TOKENS = "delete from email_tokens where expires_at <= ?";
    private static final String UPDATE_PENDING_EMAIL =
            "update accounts set pending_email = ?, updated_at = ? where id = ?";
    private static final String MARK_VERIFIED =
            "update accounts set email_verified_at = ?, updated_at = ? where id = ? and email = ?";
    private static final String SWAP_EMAIL = """
            update accounts set email = pending_email, email_key = ?, pending_email = null, email_verified_at = ?,
                                updated_at = ?
            where id = ? and pending_email = ?""";
    private static final String RESET_PASSWORD = """
            update accounts set password_hash = ?, email_verified_at = coalesce(email_verified_at, ?),
                                pending_email = null, updated_at = ?
            where id = ?""";
    private static final String LIST_SESSIONS = """
            select id, created_at, last_used_at, expires_at, user_agent, client_address from sessions
            where account_id = ? and expires_at > ? order by created_at desc, id desc
            fetch first 1000 rows only""";
    private static final String DELETE_OWN_SESSION = "delete from sessions where account_id = ? and id = ?";
    private static final String TOUCH_SESSION =
            "update sessions set last_used_at = ? where id = ? and last_used_at < ?";
    private static final String KEY_COLUMNS =
            "k.id, k.account_id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.expires_at";
    private static final String INSERT_KEY = """
            insert into api_keys (id, account_id, name, prefix, secret_hash, scopes, created_at, expires_at)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String LIST_KEYS =
            "select " + KEY_COLUMNS + " from api_keys k where k.account_id = ? order by k.created_at desc, k.id desc"
                    + " fetch first 1000 rows only";
    private static final String KEY_BY_ID = "select " + KEY_COLUMNS + " from api_keys k where k.id = ?";
    private static final String KEY_BY_SECRET_HASH = "select " + KEY_COLUMNS + """
            , a.email, a.display_name, a.created_at as account_created_at, a.email_verified_at,
              a.pending_email
            from api_keys k join accounts a on a.id = k.account_id
            where k.secret_hash = ?""";
    private static final String DELETE_OWN_KEY = "delete from api_keys where account_id = ? and id = ?";
    private static final String TOUCH_KEY =
            "update api_keys set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)";

    private final Jdbc jdbc;
    private final MailOutbox mails;

    JdbcIdentityStore(Jdbc jdbc, MailOutbox mails) {
        this.jdbc = jdbc;
        this.mails = mails;
    }

    @Override
    public AccountRecord insertAccount(NewAccountRecord account, EmailTokenRecord verification, Mail mail) {
        try {
            jdbc.transaction(connection -> {
                Jdbc.update(connection, INSERT_ACCOUNT, statement -> {
                    statement.setString(1, account.id().value());
                    statement.setString(2, account.email());
                    statement.setString(3, account.emailKey());
                    statement.setString(4, account.passwordHash());
                    statement.setString(5, account.displayName());
                    setInstant(statement, 6, account.createdAt());
                    setInstant(statement, 7, account.createdAt());
                });
                insertToken(connection, verification);
                mails.add(connection, mail);
                return null;
            });
        } catch (Jdbc.DuplicateKeyException e) {
            throw new EmailAlreadyRegisteredException();
        }
        mails.committed();
        return new AccountRecord(account.id(), account.email(), account.passwordHash(), account.displayName(),
                account.createdAt(), account.createdAt(), null, null);
    }

    @Override
    public Optional<AccountRecord> findAccount(AccountId id) {
        return jdbc.one(ACCOUNT_BY_ID, statement -> statement.setString(1, id.value()), JdbcIdentityStore::account);
    }

    @Override
    public Optional<AccountRecord> findAccountByEmailKey(String emailKey) {
        return jdbc.one(ACCOUNT_BY_EMAIL_KEY, statement -> statement.setString(1, emailKey),
                JdbcIdentityStore::account);
    }

    @Override
    public Optional<AccountRecord> updateDisplayName(AccountId id, String displayName, Instant now) {
        return jdbc.transaction(connection -> {
            int changed = Jdbc.update(connection, UPDATE_DISPLAY_NAME, statement -> {
                statement.setString(1, displayName);
                setInstant(statement, 2, now);
                statement.setString(3, id.value());
            });
            return changed == 0
                    ? Optional.empty()
                    : Jdbc.one(connection, ACCOUNT_BY_ID, statement -> statement.setString(1, id.value()),
                            JdbcIdentityStore::account);
        });
    }

    @Override
    public boolean replacePasswordHash(AccountId id, String expectedHash, String newHash, Instant now,
            SessionId keep) {
        return jdbc.transaction(connection -> {
            // the update locks the account row: a sign-in starting a session waits for this to commit
            int changed = Jdbc.update(connection, UPDATE_PASSWORD_HASH, statement -> {
                statement.setString(1, newHash);
                setInstant(statement, 2, now);
                statement.setString(3, id.value());
                statement.setString(4, expectedHash);
            });
            if (changed == 0) {
                return false;
            }
            deleteChangeTokens(connection, id);
            // a reset link asked for before the change would set another password over this one
            deleteAccountToken(connection, id, TokenPurpose.RESET);
            Jdbc.update(connection, DELETE_OTHER_SESSIONS, statement -> {
                statement.setString(1, id.value());
                statement.setString(2, keep.value());
            });
            return true;
        });
    }

    @Override
    public boolean insertSessionIfPasswordHashIs(NewSessionRecord session, String passwordHash) {
        return jdbc.transaction(connection -> {
            // with the account row locked, a password change has either committed (its new hash fails the check
            // here) or waits until this session exists (and then deletes it with the others)
            var current = Jdbc.one(connection, LOCK_PASSWORD_HASH,
                    statement -> statement.setString(1, session.accountId().value()), row -> row.getString(1));
            if (current.isEmpty() || !current.get().equals(passwordHash)) {
                return false;
            }
            Jdbc.update(connection, INSERT_SESSION, statement -> {
                statement.setString(1, session.id().value());
                statement.setString(2, session.accountId().value());
                statement.setString(3, session.secretHash());
                setInstant(statement, 4, session.createdAt());
                setInstant(statement, 5, session.expiresAt());
                setInstant(statement, 6, session.createdAt());
                statement.setString(7, session.userAgent());
                statement.setString(8, session.clientAddress());
            });
            return true;
        });
    }

    @Override
    public Optional<SessionWithAccountRecord> findSession(SessionId id) {
        return jdbc.one(SESSION_BY_ID, statement -> statement.setString(1, id.value()),
                // by position, in SESSION_BY_ID's order: this runs on every signed-in request
                row -> new SessionWithAccountRecord(new SessionId(row.getString(1)), row.getString(2),
                        getInstant(row, 3), getInstant(row, 4), getInstant(row, 5),
                        new AccountId(row.getString(6)), row.getString(7),
                        row.getString(8), getInstant(row, 9),
                        instantOrNull(row, 10), row.getString(11)));
    }

    @Override
    public void deleteSession(SessionId id) {
        jdbc.update(DELETE_SESSION, statement -> statement.setString(1, id.value()));
    }

    @Override
    public void deleteSessions(AccountId accountId) {
        jdbc.update(DELETE_SESSIONS, statement -> statement.setString(1, accountId.value()));
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        return jdbc.update(DELETE_EXPIRED_SESSIONS, statement -> setInstant(statement, 1, now));
    }

    @Override
    public boolean replaceToken(EmailTokenRecord token, Mail mail) {
        boolean stored = jdbc.transaction(connection -> {
            // the account row locked: two replacements at once take turns instead of colliding on the unique index
            if (!lockAccount(connection, token.accountId())) {
                return false;
            }
            deleteAccountToken(connection, token.accountId(), token.purpose());
            insertToken(connection, token);
            mails.add(connection, mail);
            return true;
        });
        if (stored) {
            mails.committed();
        }
        return stored;
    }

    @Override
    public Optional<EmailTokenRecord> findToken(String tokenHash, TokenPurpose purpose) {
        return jdbc.one(TOKEN_BY_HASH, statement -> {
            statement.setString(1, tokenHash);
            statement.setString(2, purpose.column);
        }, row -> new EmailTokenRecord(row.getString("token_hash"), new AccountId(row.getString("account_id")),
                purpose, row.getString("email"), getInstant(row, "created_at"), getInstant(row, "expires_at")));
    }

    @Override
    public Optional<AccountRecord> updatePendingEmail(AccountId id, String pendingEmail, Instant now,
            EmailTokenRecord token, Mail mail) {
        var changed = jdbc.transaction(connection -> {
            if (!lockAccount(connection, id)) {
                return Optional.<AccountRecord>empty();
            }
            Jdbc.update(connection, UPDATE_PENDING_EMAIL, statement -> {
                statement.setString(1, pendingEmail);
                setInstant(statement, 2, now);
                statement.setString(3, id.value());
            });
            if (pendingEmail != null) {
                deleteAccountToken(connection, id, TokenPurpose.VERIFY);
                insertToken(connection, token);
                mails.add(connection, mail);
            }
            return accountIn(connection, id);
        });
        if (changed.isPresent() && pendingEmail != null) {
            mails.committed();
        }
        return changed;
    }

    @Override
    public Optional<AccountRecord> verifyEmail(String tokenHash, AccountId id, String email, Instant now) {
        return jdbc.transaction(connection -> {
            // deleting the token first makes its use single: of two uses at once, one deletes it, the other nothing
            if (!deleteToken(connection, tokenHash, id, TokenPurpose.VERIFY)) {
                return Optional.empty();
            }
            int marked = Jdbc.update(connection, MARK_VERIFIED, statement -> {
                setInstant(statement, 1, now);
                setInstant(statement, 2, now);
                statement.setString(3, id.value());
                statement.setString(4, email);
            });
            if (marked == 0) {
                connection.rollback();
                return Optional.empty();
            }
            return accountIn(connection, id);
        });
    }

    @Override
    public Optional<AccountRecord> confirmEmailChange(String tokenHash, AccountId id, String newEmail,
            String newEmailKey, Instant now, Mail notice) {
        Optional<AccountRecord> changed;
        try {
            changed = jdbc.transaction(connection -> {
                if (!deleteToken(connection, tokenHash, id, TokenPurpose.VERIFY)) {
                    return Optional.empty();
                }
                int swapped = Jdbc.update(connection, SWAP_EMAIL, statement -> {
                    statement.setString(1, newEmailKey);
                    setInstant(statement, 2, now);
                    setInstant(statement, 3, now);
                    statement.setString(4, id.value());
                    statement.setString(5, newEmail);
                });
                if (swapped == 0) {
                    connection.rollback();
                    return Optional.empty();
                }
                // a reset link went to the old address, which no longer speaks for this account
                deleteAccountToken(connection, id, TokenPurpose.RESET);
                mails.add(connection, notice);
                return accountIn(connection, id);
            });
        } catch (Jdbc.DuplicateKeyException e) {
            throw new EmailAlreadyRegisteredException();
        }
        if (changed.isPresent()) {
            mails.committed();
        }
        return changed;
    }

    @Override
    public boolean resetPassword(String tokenHash, AccountId id, String newHash, Instant now) {
        return jdbc.transaction(connection -> {
            // the token's delete locks the account's token row; the update below the account row, which a sign-in
            // starting a session waits for (see insertSessionIfPasswordHashIs)
            if (!deleteToken(connection, tokenHash, id, TokenPurpose.RESET)) {
                return false;
            }
            Jdbc.update(connection, DELETE_KEYS_IF_UNVERIFIED, statement -> {
                statement.setString(1, id.value());
                statement.setString(2, id.value());
            });
            deleteChangeTokens(connection, id);
            Jdbc.update(connection, RESET_PASSWORD, statement -> {
                statement.setString(1, newHash);
                setInstant(statement, 2, now);
                setInstant(statement, 3, now);
                statement.setString(4, id.value());
            });
            Jdbc.update(connection, DELETE_SESSIONS, statement -> statement.setString(1, id.value()));
            return true;
        });
    }

    @Override
    public int deleteExpiredTokens(Instant now) {
        return jdbc.update(DELETE_EXPIRED_TOKENS, statement -> setInstant(statement, 1, now));
    }

    private static void deleteChangeTokens(Connection connection, AccountId id) throws SQLException {
        Jdbc.update(connection, DELETE_CHANGE_TOKENS, statement -> {
            statement.setString(1, id.value());
            statement.setString(2, id.value());
        });
    }

    private static boolean lockAccount(Connection connection, AccountId id) throws SQLException {
        return Jdbc.one(connection, LOCK_ACCOUNT, statement -> statement.setString(1, id.value()),
                row -> row.getString(1)).isPresent();
    }

    private static void deleteAccountToken(Connection connection, AccountId id, TokenPurpose purpose)
            throws SQLException {
        Jdbc.update(connection, DELETE_ACCOUNT_TOKEN, statement -> {
            statement.setString(1, id.value());
            statement.setString(2, purpose.column);
        });
    }

    private static boolean deleteToken(Connection connection, String tokenHash, AccountId id, TokenPurpose purpose)
            throws SQLException {
        return Jdbc.update(connection, DELETE_TOKEN, statement -> {
            statement.setString(1, tokenHash);
            statement.setString(2, id.value());
            statement.setString(3, purpose.column);
        }) == 1;
    }

    private static void insertToken(Connection connection, EmailTokenRecord token) throws SQLException {
        Jdbc.update(connection, INSERT_TOKEN, statement -> {
            statement.setString(1, token.tokenHash());
            statement.setString(2, token.accountId().value());
            statement.setString(3, token.purpose().column);
            statement.setString(4, token.email());
            setInstant(statement, 5, token.createdAt());
            setInstant(statement, 6, token.expiresAt());
        });
    }

    private static Optional<AccountRecord> accountIn(Connection connection, AccountId id) throws SQLException {
        return Jdbc.one(connection, ACCOUNT_BY_ID, statement -> statement.setString(1, id.value()),
                JdbcIdentityStore::account);
    }

    @Override
    public List<SessionDetailsRecord> listSessions(AccountId accountId, Instant now) {
        return jdbc.list(LIST_SESSIONS, statement -> {
            statement.setString(1, accountId.value());
            setInstant(statement, 2, now);
        }, row -> new SessionDetailsRecord(new SessionId(row.getString("id")), getInstant(row, "created_at"),
                getInstant(row, "last_used_at"), getInstant(row, "expires_at"), row.getString("user_agent"),
                row.getString("client_address")));
    }

    @Override
    public boolean deleteSession(AccountId accountId, SessionId id) {
        return jdbc.update(DELETE_OWN_SESSION, statement -> {
            statement.setString(1, accountId.value());
            statement.setString(2, id.value());
        }) > 0;
    }

    @Override
    public int deleteOtherSessions(AccountId accountId, SessionId keep) {
        return jdbc.update(DELETE_OTHER_SESSIONS, statement -> {
            statement.setString(1, accountId.value());
            statement.setString(2, keep.value());
        });
    }

    @Override
    public boolean touchSession(SessionId id, Instant now, Instant staleBefore) {
        return jdbc.update(TOUCH_SESSION, statement -> {
            setInstant(statement, 1, now);
            statement.setString(2, id.value());
            setInstant(statement, 3, staleBefore);
        }) > 0;
    }

    @Override
    public void insertApiKey(NewApiKeyRecord key) {
        jdbc.update(INSERT_KEY, statement -> {
            statement.setString(1, key.id().value());
            statement.setString(2, key.accountId().value());
            statement.setString(3, key.name());
            statement.setString(4, key.prefix());
            statement.setString(5, key.secretHash());
            statement.setString(6, scopesText(key.scopes()));
            setInstant(statement, 7, key.createdAt());
            if (key.expiresAt() == null) {
                statement.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                setInstant(statement, 8, key.expiresAt());
            }
        });
    }

    @Override
    public List<ApiKeyRecord> listApiKeys(AccountId accountId) {
        return jdbc.list(LIST_KEYS, statement -> statement.setString(1, accountId.value()), JdbcIdentityStore::apiKey);
    }

    @Override
    public Optional<ApiKeyRecord> findApiKey(ApiKeyId id) {
        return jdbc.one(KEY_BY_ID, statement -> statement.setString(1, id.value()), JdbcIdentityStore::apiKey);
    }

    @Override
    public Optional<ApiKeyWithAccountRecord> findApiKeyBySecretHash(String secretHash) {
        return jdbc.one(KEY_BY_SECRET_HASH, statement -> statement.setString(1, secretHash),
                row -> new ApiKeyWithAccountRecord(apiKey(row), row.getString("email"), row.getString("display_name"),
                        getInstant(row, "account_created_at"), instantOrNull(row, "email_verified_at"),
                        row.getString("pending_email")));
    }

    @Override
    public boolean deleteApiKey(AccountId accountId, ApiKeyId id) {
        return jdbc.update(DELETE_OWN_KEY, statement -> {
            statement.setString(1, accountId.value());
            statement.setString(2, id.value());
        }) > 0;
    }

    @Override
    public boolean touchApiKey(ApiKeyId id, Instant now, Instant staleBefore) {
        return jdbc.update(TOUCH_KEY, statement -> {
            setInstant(statement, 1, now);
            statement.setString(2, id.value());
            setInstant(statement, 3, staleBefore);
        }) > 0;
    }

    private static String scopesText(Set<ApiScope> scopes) {
        return EnumSet.copyOf(scopes).stream().map(ApiScope::text).collect(Collectors.joining(" "));
    }

    /** The scopes a row lists; a name this version does not know (written by a newer one) grants nothing. */
    private static Set<ApiScope> scopes(String text) {
        var scopes = EnumSet.noneOf(ApiScope.class);
        Arrays.stream(text.split(" ")).map(ApiScope::parse).flatMap(Optional::stream).forEach(scopes::add);
        return scopes;
    }

    private static ApiKeyRecord apiKey(ResultSet row) throws SQLException {
        return new ApiKeyRecord(new ApiKeyId(row.getString("id")), new AccountId(row.getString("account_id")),
                row.getString("name"), row.getString("prefix"), scopes(row.getString("scopes")),
                getInstant(row, "created_at"), instantOrNull(row, "last_used_at"), instantOrNull(row, "expires_at"));
    }

    private static Instant instantOrNull(ResultSet row, String column) throws SQLException {
        return row.getObject(column) == null ? null : getInstant(row, column);
    }

    private static Instant instantOrNull(ResultSet row, int column) throws SQLException {
        var value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static AccountRecord account(ResultSet row) throws SQLException {
        return new AccountRecord(new AccountId(row.getString("id")), row.getString("email"),
                row.getString("password_hash"), row.getString("display_name"), getInstant(row, "created_at"),
                getInstant(row, "updated_at"), instantOrNull(row, "email_verified_at"), row.getString("pending_email"));
    }
}
