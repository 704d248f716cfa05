package dev.quire.idempotency;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** {@link IdempotencyStore} on the idempotency_keys table (migration V4), for H2 and PostgreSQL alike. */
final class JdbcIdempotencyStore implements IdempotencyStore {
    private static final String INSERT = """
            insert into idempotency_keys (scope, idempotency_key, fingerprint, locked_until, expires_at)
            values (?, ?, ?, ?, ?)""";
    private static final String FIND = """
            select scope, idempotency_key, fingerprint, response_status, response_headers, response_body,
                   locked_until, expires_at
            from idempotency_keys where scope = ? and idempotency_key = ?""";
    private static final String REPLACE = """
            update idempotency_keys
            set fingerprint = ?, response_status = null, response_headers = null, response_body = null,
                locked_until = ?, expires_at = ?
            where scope = ? and idempotency_key = ? and fingerprint = ? and locked_until = ? and expires_at = ?""";
    private static final String COMPLETE = """
            update idempotency_keys set response_status = ?, response_headers = ?, response_body = ?
            where scope = ? and idempotency_key = ?""";
    private static final String DELETE = "delete from idempotency_keys where scope = ? and idempotency_key = ?";
    private static final String DELETE_EXPIRED = "delete from idempotency_keys where expires_at <= ?";

    private final Jdbc jdbc;

    JdbcIdempotencyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean insert(KeyRecord claim) {
        try {
            jdbc.update(INSERT, statement -> {
                statement.setString(1, claim.scope());
                statement.setString(2, claim.key());
                statement.setString(3, claim.fingerprint());
                setInstant(statement, 4, claim.lockedUntil());
                setInstant(statement, 5, claim.expiresAt());
            });
            return true;
        } catch (Jdbc.DuplicateKeyException taken) {
            return false;
        }
    }

    @Override
    public Optional<KeyRecord> find(String scope, String key) {
        return jdbc.one(FIND, statement -> {
            statement.setString(1, scope);
            statement.setString(2, key);
        }, JdbcIdempotencyStore::record);
    }

    @Override
    public boolean replace(KeyRecord stale, KeyRecord claim) {
        return jdbc.update(REPLACE, statement -> {
            statement.setString(1, claim.fingerprint());
            setInstant(statement, 2, claim.lockedUntil());
            setInstant(statement, 3, claim.expiresAt());
            statement.setString(4, stale.scope());
            statement.setString(5, stale.key());
            statement.setString(6, stale.fingerprint());
            setInstant(statement, 7, stale.lockedUntil());
            setInstant(statement, 8, stale.expiresAt());
        }) == 1;
    }

    @Override
    public void complete(String scope, String key, int status, String headers, String body) {
        jdbc.update(COMPLETE, statement -> {
            statement.setInt(1, status);
            statement.setString(2, headers);
            statement.setString(3, body);
            statement.setString(4, scope);
            statement.setString(5, key);
        });
    }

    @Override
    public void delete(String scope, String key) {
        jdbc.update(DELETE, statement -> {
            statement.setString(1, scope);
            statement.setString(2, key);
        });
    }

    @Override
    public int deleteExpired(Instant now) {
        return jdbc.update(DELETE_EXPIRED, statement -> setInstant(statement, 1, now));
    }

    private static KeyRecord record(ResultSet row) throws SQLException {
        return new KeyRecord(row.getString("scope"), row.getString("idempotency_key"), row.getString("fingerprint"),
                row.getObject("response_status", Integer.class), row.getString("response_headers"),
                row.getString("response_body"), getInstant(row, "locked_until"), getInstant(row, "expires_at"));
    }
}
