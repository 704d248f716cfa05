package dev.quire.identity;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link IdentityStore} on the accounts, sessions and api_keys tables (migrations V2, V10), for H2 and PostgreSQL
 * alike.
 */
final class JdbcIdentityStore implements IdentityStore {
    private static final String ACCOUNT_COLUMNS = "id, email, password_hash, display_name, created_at, updated_at";
    private static final String INSERT_ACCOUNT = """
            insert into accounts (id, email, email_key, password_hash, display_name, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    private static final String ACCOUNT_BY_ID = "select " + ACCOUNT_COLUMNS + " from accounts where id = ?";
    private static final String ACCOUNT_BY_EMAIL_KEY = "select " + ACCOUNT_COLUMNS + " from accounts where email_key = ?";
    private static final String UPDATE_DISPLAY_NAME =
            "update accounts set display_name = ?, updated_at = ? where id = ?";
    private static final String UPDATE_PASSWORD_HASH =
            "update accounts set password_hash = ?, updated_at = ? where id = ? and password_hash = ?";
    private static final String LOCK_PASSWORD_HASH = "select password_hash from accounts where id = ? for update";
    private static final String DELETE_OTHER_SESSIONS = "delete from sessions where account_id = ? and id <> ?";
    private static final String INSERT_SESSION = """
            insert into sessions (id, account_id, secret_hash, created_at, expires_at, last_used_at, user_agent,
                                  client_address)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String SESSION_BY_ID = """
            select s.id, s.secret_hash, s.created_at, s.expires_at, s.last_used_at, a.id as account_id, a.email, a.display_name,
                   a.created_at as account_created_at
            from sessions s join accounts a on a.id = s.account_id
            where s.id = ?""";
    private static final String DELETE_SESSION = "delete from sessions where id = ?";
    private static final String DELETE_SESSIONS = "delete from sessions where account_id = ?";
    private static final String DELETE_EXPIRED_SESSIONS = "delete from sessions where expires_at <= ?";
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
            , a.email, a.display_name, a.created_at as account_created_at
            from api_keys k join accounts a on a.id = k.account_id
            where k.secret_hash = ?""";
    private static final String DELETE_OWN_KEY = "delete from api_keys where account_id = ? and id = ?";
    private static final String TOUCH_KEY =
            "update api_keys set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)";

    private final Jdbc jdbc;

    JdbcIdentityStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public AccountRecord insertAccount(NewAccountRecord account) {
        try {
            jdbc.update(INSERT_ACCOUNT, statement -> {
                statement.setString(1, account.id().value());
                statement.setString(2, account.email());
                statement.setString(3, account.emailKey());
                statement.setString(4, account.passwordHash());
                statement.setString(5, account.displayName());
                setInstant(statement, 6, account.createdAt());
                setInstant(statement, 7, account.createdAt());
            });
        } catch (Jdbc.DuplicateKeyException e) {
            throw new EmailAlreadyRegisteredException();
        }
        return new AccountRecord(account.id(), account.email(), account.passwordHash(), account.displayName(),
                account.createdAt(), account.createdAt());
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
                row -> new SessionWithAccountRecord(new SessionId(row.getString("id")), row.getString("secret_hash"),
                        getInstant(row, "created_at"), getInstant(row, "expires_at"), getInstant(row, "last_used_at"),
                        new AccountId(row.getString("account_id")), row.getString("email"),
                        row.getString("display_name"), getInstant(row, "account_created_at")));
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
                        getInstant(row, "account_created_at")));
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

    private static AccountRecord account(ResultSet row) throws SQLException {
        return new AccountRecord(new AccountId(row.getString("id")), row.getString("email"),
                row.getString("password_hash"), row.getString("display_name"), getInstant(row, "created_at"),
                getInstant(row, "updated_at"));
    }
}
