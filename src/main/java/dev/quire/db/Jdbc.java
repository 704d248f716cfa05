package dev.quire.db;

import dev.quire.shared.UnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few JDBC moves stores need, with the resource handling and error translation written once: a pool
 * timeout or a lost connection becomes a 503 ({@link UnavailableException}), a unique-key violation becomes
 * {@link DuplicateKeyException} for the store to rename, anything else a {@link DataAccessException}. Each
 * statement run on its own, and each transaction as a whole, is reported to an {@link Observer} with how long it
 * took (the metrics); the statements inside a transaction are its.
 */
public final class Jdbc {
    private static final Duration RETRY_AFTER_UNAVAILABLE = Duration.ofSeconds(2);
    private static final List<String> KINDS = List.of("select", "insert", "update", "delete", "with");

    /** Told of each unit of database work when it ends. Called on the request's thread: keep it cheap. */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (kind, nanos, succeeded) -> {};

        /** @param kind select, insert, update, delete, other, or transaction */
        void completed(String kind, long nanos, boolean succeeded);
    }

    private final DataSource dataSource;
    private final Observer observer;

    public Jdbc(DataSource dataSource) {
        this(dataSource, Observer.NONE);
    }

    public Jdbc(DataSource dataSource, Observer observer) {
        this.dataSource = dataSource;
        this.observer = observer;
    }

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    public interface ItemBinder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) {
        return observed(kindOf(sql), connection -> list(connection, sql, binder, mapper));
    }

    public <T> Optional<T> one(String sql, Binder binder, RowMapper<T> mapper) {
        return observed(kindOf(sql), connection -> one(connection, sql, binder, mapper));
    }

    /** @return the number of rows changed */
    public int update(String sql, Binder binder) {
        return observed(kindOf(sql), connection -> update(connection, sql, binder));
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. (The pool puts
     * auto-commit back when the connection returns.)
     */
    public <T> T transaction(Work<T> work) {
        return observed("transaction", connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    // the failure that matters is the work's: a connection the server dropped cannot roll back
                    // either (the pool has closed it), and the database discards the transaction by itself
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        });
    }

    public static <T> List<T> list(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                var result = new ArrayList<T>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        }
    }

    public static <T> Optional<T> one(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
            }
        }
    }

    public static int update(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    /** Runs {@code sql} once for each item, sent as one batch. */
    public static <T> void batch(Connection connection, String sql, Collection<T> items, ItemBinder<T> binder)
            throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (T item : items) {
                binder.bind(statement, item);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Timestamps go in and out as UTC {@code timestamp with time zone}, the same on H2 and PostgreSQL. */
    public static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
    }

    public static Instant getInstant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** By position: rows read on every request are read by position, as a column looked up by name costs H2 a search. */
    public static Instant getInstant(ResultSet row, int column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    /**
     * Runs {@code work} on a pooled connection and tells the observer how long the work took (the wait for a
     * connection is the pool's own metric).
     */
    private <T> T observed(String kind, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            long started = System.nanoTime();
            boolean succeeded = false;
            try {
                T result = work.run(connection);
                succeeded = true;
                return result;
            } finally {
                observer.completed(kind, System.nanoTime() - started, succeeded);
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** The statement's first keyword: a label with a handful of values, never the SQL itself. */
    static String kindOf(String sql) {
        int start = 0;
        while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
            start++;
        }
        for (String kind : KINDS) {
            if (sql.regionMatches(true, start, kind, 0, kind.length())) {
                return kind.equals("with") ? "select" : kind;
            }
        }
        return "other";
    }

    private static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // 08: the connection failed; 57P0x: the server is shutting down, crashed, starting or lost the database
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || state.startsWith("08") || state.startsWith("57P0")) {
            return new UnavailableException("The database is unavailable; retry shortly.", RETRY_AFTER_UNAVAILABLE);
        }
        if (state.equals("23505")) {
            return new DuplicateKeyException(e);
        }
        return new DataAccessException(e);
    }

    /** A unique index refused a row; stores turn this into their own conflict. */
    public static final class DuplicateKeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateKeyException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A database failure that is not the client's doing: a 500, logged with its cause. */
    public static final class DataAccessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DataAccessException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
