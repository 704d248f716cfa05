package dev.quire.todos;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.identity.AccountId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link TodoStore} on the todos table (migration V3), for H2 and PostgreSQL alike. */
final class JdbcTodoStore implements TodoStore {
    /** In the order {@link #todo} reads them. */
    private static final String COLUMNS = "id, owner_id, title, completed, position, created_at, updated_at, version";
    private static final String INSERT = """
            insert into todos (id, owner_id, title, title_key, completed, position, created_at, updated_at, version)
            values (?, ?, ?, ?, ?, ?, ?, ?, 1)""";
    private static final String FIND = "select " + COLUMNS + " from todos where owner_id = ? and id = ?";
    // the last position read backwards off the (owner_id, position, id) index: one row, however long the list. H2
    // reads the index in its order only when ORDER BY names all its columns; max(position) made every create read
    // the owner's whole list in a file database (63 % of a create's time in the benchmark)
    static final String LAST_POSITION = """
            select position from todos where owner_id = ?
            order by owner_id desc, position desc, id desc fetch first 1 row only""";
    private static final String UPDATE = """
            update todos set title = ?, title_key = ?, completed = ?, position = ?, updated_at = ?, version = version + 1
            where owner_id = ? and id = ? and version = ?""";
    private static final String DELETE = "delete from todos where owner_id = ? and id = ? and version = ?";
    private static final String COMPLETED = """
            select id from todos where owner_id = ? and completed = true order by id for update""";
    private static final String DELETE_ONE = "delete from todos where owner_id = ? and id = ?";

    private final Jdbc jdbc;
    private final Outbox events;

    /** @param events where each change's event is written, in the change's own transaction */
    JdbcTodoStore(Jdbc jdbc, Outbox events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @Override
    public TodoRecord insert(NewTodoRecord todo) {
        var inserted = new TodoRecord(todo.id(), todo.owner(), todo.title(), todo.completed(), todo.position(),
                todo.createdAt(), todo.createdAt(), 1);
        jdbc.transaction(connection -> {
            insert(connection, todo);
            events.append(connection, TodoEvents.created(inserted));
            return null;
        });
        events.committed();
        return inserted;
    }

    private static void insert(Connection connection, NewTodoRecord todo) throws SQLException {
        Jdbc.update(connection, INSERT, statement -> {
            statement.setString(1, todo.id().value());
            statement.setString(2, todo.owner().value());
            statement.setString(3, todo.title());
            statement.setString(4, TodoService.titleKey(todo.title()));
            statement.setBoolean(5, todo.completed());
            statement.setLong(6, todo.position());
            setInstant(statement, 7, todo.createdAt());
            setInstant(statement, 8, todo.createdAt());
        });
    }

    @Override
    public Optional<TodoRecord> find(AccountId owner, TodoId id) {
        return jdbc.one(FIND, statement -> {
            statement.setString(1, owner.value());
            statement.setString(2, id.value());
        }, JdbcTodoStore::todo);
    }

    @Override
    public long nextPosition(AccountId owner) {
        return jdbc.one(LAST_POSITION, statement -> statement.setString(1, owner.value()), row -> row.getLong(1))
                .map(last -> last + 1).orElse(1L);
    }

    @Override
    public Optional<TodoRecord> update(TodoRecord previous, TodoRecordUpdates updates, Instant now) {
        var written = new TodoRecord(previous.id(), previous.owner(), updates.title(), updates.completed(),
                updates.position(), previous.createdAt(), now, previous.version() + 1);
        boolean changed = jdbc.transaction(connection -> {
            boolean updated = update(connection, previous, updates, now);
            if (updated) {
                events.append(connection, TodoEvents.updated(written));
            }
            return updated;
        });
        if (!changed) {
            return Optional.empty();
        }
        events.committed();
        return Optional.of(written);
    }

    private static boolean update(Connection connection, TodoRecord previous, TodoRecordUpdates updates, Instant now)
            throws SQLException {
        return Jdbc.update(connection, UPDATE, statement -> {
            statement.setString(1, updates.title());
            statement.setString(2, TodoService.titleKey(updates.title()));
            statement.setBoolean(3, updates.completed());
            statement.setLong(4, updates.position());
            setInstant(statement, 5, now);
            statement.setString(6, previous.owner().value());
            statement.setString(7, previous.id().value());
            statement.setLong(8, previous.version());
        }) == 1;
    }

    @Override
    public boolean delete(AccountId owner, TodoId id, long version) {
        boolean deleted = jdbc.transaction(connection -> {
            boolean gone = Jdbc.update(connection, DELETE, statement -> {
                statement.setString(1, owner.value());
                statement.setString(2, id.value());
                statement.setLong(3, version);
            }) == 1;
            if (gone) {
                events.append(connection, TodoEvents.deleted(owner, id, version));
            }
            return gone;
        });
        if (deleted) {
            events.committed();
        }
        return deleted;
    }

    @Override
    public int deleteCompleted(AccountId owner) {
        // the completed todos, locked, so the event names exactly the ones deleted
        List<String> ids = jdbc.transaction(connection -> {
            var completed = Jdbc.list(connection, COMPLETED, statement -> statement.setString(1, owner.value()),
                    row -> row.getString(1));
            Jdbc.batch(connection, DELETE_ONE, completed, (statement, id) -> {
                statement.setString(1, owner.value());
                statement.setString(2, id);
            });
            if (!completed.isEmpty()) {
                events.append(connection, TodoEvents.cleared(owner.value(), completed));
            }
            return completed;
        });
        if (!ids.isEmpty()) {
            events.committed();
        }
        return ids.size();
    }

    @Override
    public List<TodoRecord> list(AccountId owner, Filter filter, TodoSort sort, After after, int limit) {
        var sql = new StringBuilder("select ").append(COLUMNS).append(" from todos where owner_id = ?");
        var values = new ArrayList<Object>();
        values.add(owner.value());
        if (filter.completed() != null) {
            sql.append(" and completed = ?");
            values.add(filter.completed());
        }
        if (filter.search() != null) {
            sql.append(" and title_key like ? escape '\\'");
            values.add("%" + escapeLike(filter.search()) + "%");
        }
        String direction = sort.descending ? "desc" : "asc";
        if (after != null) {
            // a row-value comparison: the index on (owner_id, <sort column>, id) starts right after the cursor
            sql.append(" and (").append(sort.column).append(", id) ").append(sort.descending ? "<" : ">")
                    .append(" (?, ?)");
            values.add(sortValue(sort, after.sortValue()));
            values.add(after.id().value());
        }
        sql.append(" order by ").append(sort.column).append(' ').append(direction)
                .append(", id ").append(direction).append(" limit ?");
        values.add(limit);
        return jdbc.list(sql.toString(), statement -> {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
        }, JdbcTodoStore::todo);
    }

    /** The cursor's text form of a sort value, as the column's type. */
    private static Object sortValue(TodoSort sort, String text) {
        return switch (sort) {
            case ORDER, ORDER_DESC -> Long.parseLong(text);
            case CREATED, CREATED_DESC -> OffsetDateTime.ofInstant(Instant.parse(text), ZoneOffset.UTC);
            case TITLE, TITLE_DESC -> text;
        };
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** A row of {@link #COLUMNS}, read by position (every read of a todo comes here). */
    private static TodoRecord todo(ResultSet row) throws SQLException {
        return new TodoRecord(new TodoId(row.getString(1)), new AccountId(row.getString(2)),
                row.getString(3), row.getBoolean(4), row.getLong(5),
                getInstant(row, 6), getInstant(row, 7), row.getLong(8));
    }
}
