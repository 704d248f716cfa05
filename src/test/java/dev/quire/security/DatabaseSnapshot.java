package dev.quire.security;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every row of every table of Quire's schema as text: tables by name (as information_schema lists them), rows
 * sorted by their rendering, which is every column in order. Two snapshots are equal exactly when no table
 * gained, lost or changed a row. Rows are sorted here rather than by ORDER BY so that the same code works on H2,
 * which cannot order by its large-object text columns, and on PostgreSQL. A session's or API key's
 * {@code last_used_at} is left out: it is bookkeeping that any authenticated request may move (once a minute), not
 * a change the request made.
 *
 * <p>The limits' token buckets are left out: they count requests, refused ones included (a sign-up attempt or a
 * failed sign-in counts whatever its body), and are no one's data. On H2 they live in memory anyway.
 */
final class DatabaseSnapshot {
    private static final String TABLES = """
            select table_name from information_schema.tables
            where table_schema = current_schema and table_type = 'BASE TABLE'
            order by table_name
            """;

    private DatabaseSnapshot() {}

    /** The snapshot of the database at {@code jdbcUrl} (a URL that carries its own user, as the tests' do). */
    static String of(String jdbcUrl) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            awaitEventsPositioned(connection);
            var text = new StringBuilder();
            for (String table : tables(connection)) {
                var rows = rows(connection, table);
                text.append("== ").append(table).append(" (").append(rows.size()).append(" rows)\n");
                rows.forEach(row -> text.append(row).append('\n'));
            }
            return text.toString();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the database", e);
        }
    }

    /**
     * A change's event gets its position a moment after the change commits (the instance's hub gives it): waits
     * until every committed event has one, so that a snapshot taken just after the fixtures were made is settled.
     */
    private static void awaitEventsPositioned(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try (var statement = connection.prepareStatement("select count(*) from events where position is null");
                 var result = statement.executeQuery()) {
                result.next();
                if (result.getLong(1) == 0) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Events still without a position after 5 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<String> tables(Connection connection) throws SQLException {
        var tables = new ArrayList<String>();
        try (var statement = connection.prepareStatement(TABLES); var result = statement.executeQuery()) {
            while (result.next()) {
                String table = result.getString(1);
                if (!table.equalsIgnoreCase("rate_limit_buckets")) {
                    tables.add(table);
                }
            }
        }
        if (tables.size() < 5) {
            throw new IllegalStateException("Expected Quire's tables, found " + tables);
        }
        return tables;
    }

    private static List<String> rows(Connection connection, String table) throws SQLException {
        var rows = new ArrayList<String>();
        // the name comes from information_schema, not from input
        try (var statement = connection.createStatement();
             var result = statement.executeQuery("select * from " + table)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                var row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    if (result.getMetaData().getColumnName(i).equalsIgnoreCase("last_used_at")) {
                        continue;
                    }
                    row.append(i == 1 ? "" : " | ").append(result.getMetaData().getColumnName(i)).append('=')
                            .append(result.getString(i));
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }
}
