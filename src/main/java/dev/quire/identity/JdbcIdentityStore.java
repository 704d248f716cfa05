package dev.quire.identity;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** {@link IdentityStore} on the accounts and sessions tables (migration V2), for H2 and PostgreSQL alike. */
final class JdbcIdentityStore implements IdentityStore {
    private static final String ACCOUNT_COLUMNS =
            "a.id, a.email, a.password_hash, a.display_name, a.created_at, a.updated_at";
    private static final String INSERT_ACCOUNT = """
            insert into accounts (id, email, email_key, password_hash, display_name, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    private static final String ACCOUNT_BY_ID = "select " + ACCOUNT_COLUMNS + " from accounts a where a.id = ?";
    private static final String ACCOUNT_BY_EMAIL_KEY =
            "select " + ACCOUNT_COLUMNS + " from accounts a where a.email_key = ?";
    private static final String UPDATE_DISPLAY_NAME =
            "update accounts set display_name = ?, updated_at = ? where id = ?";
    private static final String UPDATE_PASSWORD_HASH =
            "update accounts set password_hash = ?, updated_at = ? where id = ?";
    private static final String DELETE_OTHER_SESSIONS = "delete from sessions where account_id = ? and id <> ?";
    private static final String INSERT_SESSION = """
            insert into sessions (id, account_id, secret_hash, created_at, expires_at)
            values (?, ?, ?, ?, ?)""";
    private static final String SESSION_BY_ID = "select s.id as session_id, s.secret_hash,"
            + " s.created_at as session_created_at, s.expires_at, " + ACCOUNT_COLUMNS
            + " from sessions s join accounts a on a.id = s.account_id where s.id = ?";
    private static final String DELETE_SESSION = "delete from sessions where id = ?";
    private static final String DELETE_SESSIONS = "delete from sessions where account_id = ?";
    private static final String DELETE_EXPIRED_SESSIONS =
            "delete from sessions where account_id = ? and expires_at <= ?";

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
    public void replacePasswordHash(AccountId id, String passwordHash, Instant now, SessionId keep) {
        jdbc.transaction(connection -> {
            Jdbc.update(connection, UPDATE_PASSWORD_HASH, statement -> {
                statement.setString(1, passwordHash);
                setInstant(statement, 2, now);
                statement.setString(3, id.value());
            });
            return Jdbc.update(connection, DELETE_OTHER_SESSIONS, statement -> {
                statement.setString(1, id.value());
                statement.setString(2, keep.value());
            });
        });
    }

    @Override
    public void insertSession(NewSessionRecord session) {
        jdbc.update(INSERT_SESSION, statement -> {
            statement.setString(1, session.id().value());
            statement.setString(2, session.accountId().value());
            statement.setString(3, session.secretHash());
            setInstant(statement, 4, session.createdAt());
            setInstant(statement, 5, session.expiresAt());
        });
    }

    @Override
    public Optional<SessionRecord> findSession(SessionId id) {
        return jdbc.one(SESSION_BY_ID, statement -> statement.setString(1, id.value()), row -> new SessionRecord(
                new SessionId(row.getString("session_id")), account(row), row.getString("secret_hash"),
                getInstant(row, "session_created_at"), getInstant(row, "expires_at")));
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
    public void deleteExpiredSessions(AccountId accountId, Instant now) {
        jdbc.update(DELETE_EXPIRED_SESSIONS, statement -> {
            statement.setString(1, accountId.value());
            setInstant(statement, 2, now);
        });
    }

    private static AccountRecord account(ResultSet row) throws SQLException {
        return new AccountRecord(new AccountId(row.getString("id")), row.getString("email"),
                row.getString("password_hash"), row.getString("display_name"), getInstant(row, "created_at"),
                getInstant(row, "updated_at"));
    }
}
