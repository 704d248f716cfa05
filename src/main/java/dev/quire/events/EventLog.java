package dev.quire.events;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.quire.db.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The events table (migration V6): writing an event inside a change's transaction, positioning committed events, reading
 * them in position order, and purging what is past the retention.
 *
 * <p>Positions are what makes reading gap-free. Event rows get their {@code seq} when inserted, and concurrent
 * transactions commit in any order, so "the events after the last seq I saw" could miss one that commits late with
 * a lower seq. Instead, {@link #sequence} gives the events its statement can see (all committed) the next positions
 * in seq order, holding the one row of {@code event_log} locked until it commits, so no two sequencers interleave: an
 * event that commits after a sequencer ran gets a position after every one that sequencer gave. Readers read only
 * positioned events, by position.
 */
public final class EventLog {
    /** The same shapes as the API's JSON: ISO-8601 instants, nulls kept. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    private static final int SEQUENCE_BATCH = 1000;
    private static final int PURGE_BATCH = 1000;
    private static final String CHANNEL = "quire_events";

    private static final String INSERT = """
            insert into events (stream, owner_id, type, resource_id, version, data, created_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    private static final String ANY_PENDING = "select seq from events where position is null limit 1";
    private static final String LOCK = "select last_position, purged_through from event_log where id = 1 for update";
    private static final String PENDING = "select seq from events where position is null order by seq limit ?";
    private static final String POSITION = "update events set position = ? where seq = ?";
    private static final String ADVANCE = "update event_log set last_position = ? where id = 1";
    private static final String STATE = "select last_position, purged_through from event_log where id = 1";
    private static final String COLUMNS = "position, stream, owner_id, type, resource_id, version, data, created_at";
    private static final String READ = "select " + COLUMNS
            + " from events where position > ? and position <= ? order by position limit ?";
    private static final String READ_PUBLIC = "select " + COLUMNS
            + " from events where position > ? and position <= ? and stream = ? and owner_id is null"
            + " order by position limit ?";
    private static final String READ_OWNED = "select " + COLUMNS
            + " from events where position > ? and position <= ? and stream = ? and owner_id = ?"
            + " order by position limit ?";
    private static final String EXPIRED_THROUGH = """
            select max(position) from (select position from events where position is not null and created_at < ?
            order by position limit ?) oldest""";
    private static final String DELETE_THROUGH = "delete from events where position <= ?";
    private static final String PURGED_THROUGH = "update event_log set purged_through = ? where id = 1 and purged_through < ?";

    /** Where the log stands: the last position given out, and the highest purged (ids at or below it lost events). */
    public record State(long lastPosition, long purgedThrough) {}

    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration retention;
    private final boolean postgres;

    /** @param postgres whether the database is PostgreSQL, where a sequencer's commit is announced with NOTIFY */
    public EventLog(Jdbc jdbc, Clock clock, Duration retention, boolean postgres) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = retention;
        this.postgres = postgres;
    }

    /** The NOTIFY channel a sequencer announces new positions on (PostgreSQL). */
    public static String channel() {
        return CHANNEL;
    }

    /** Writes the event of a change, inside the change's own transaction. */
    public void append(Connection connection, ChangeEvent event) throws SQLException {
        String data;
        try {
            data = JSON.writeValueAsString(event.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the event of " + event.type(), e);
        }
        Jdbc.update(connection, INSERT, statement -> {
            statement.setString(1, event.stream());
            statement.setString(2, event.owner());
            statement.setString(3, event.type());
            statement.setString(4, event.resourceId());
            if (event.version() == null) {
                statement.setNull(5, Types.BIGINT);
            } else {
                statement.setLong(5, event.version());
            }
            statement.setString(6, data);
            setInstant(statement, 7, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        });
    }

    /**
     * Gives the committed events that have none their positions, in the order they were written, and announces the
     * new last position on PostgreSQL (NOTIFY, delivered when this commits).
     *
     * @return the last position given out, by this call or before it
     */
    public long sequence() {
        if (jdbc.one(ANY_PENDING, statement -> { }, row -> row.getLong(1)).isEmpty()) {
            return state().lastPosition();
        }
        return jdbc.transaction(connection -> {
            long last = Jdbc.one(connection, LOCK, statement -> { }, row -> row.getLong(1)).orElseThrow();
            while (true) {
                List<Long> pending = Jdbc.list(connection, PENDING, statement -> statement.setInt(1, SEQUENCE_BATCH),
                        row -> row.getLong(1));
                if (pending.isEmpty()) {
                    break;
                }
                long[] next = {last};
                Jdbc.batch(connection, POSITION, pending, (statement, seq) -> {
                    statement.setLong(1, ++next[0]);
                    statement.setLong(2, seq);
                });
                last += pending.size();
                if (pending.size() < SEQUENCE_BATCH) {
                    break;
                }
            }
            long newLast = last;
            Jdbc.update(connection, ADVANCE, statement -> statement.setLong(1, newLast));
            if (postgres) {
                Jdbc.one(connection, "select pg_notify(?, ?)", statement -> {
                    statement.setString(1, CHANNEL);
                    statement.setString(2, Long.toString(newLast));
                }, row -> row.getString(1));
            }
            return newLast;
        });
    }

    public State state() {
        return jdbc.one(STATE, statement -> { }, row -> new State(row.getLong(1), row.getLong(2))).orElseThrow();
    }

    /** Up to {@code limit} events with positions in ({@code after}, {@code upTo}], in position order. */
    public List<StoredEvent> read(long after, long upTo, int limit) {
        return jdbc.list(READ, statement -> {
            statement.setLong(1, after);
            statement.setLong(2, upTo);
            statement.setInt(3, limit);
        }, EventLog::event);
    }

    /**
     * As {@link #read}, only the events of one stream that are {@code owner}'s (or, when {@code owner} is null, that
     * belong to no one: public).
     */
    public List<StoredEvent> read(String stream, String owner, long after, long upTo, int limit) {
        return jdbc.list(owner == null ? READ_PUBLIC : READ_OWNED, statement -> {
            statement.setLong(1, after);
            statement.setLong(2, upTo);
            statement.setString(3, stream);
            int next = 4;
            if (owner != null) {
                statement.setString(next++, owner);
            }
            statement.setInt(next, limit);
        }, EventLog::event);
    }

    /**
     * Deletes, a bounded batch at a time, the events older than the retention, and records the highest position
     * deleted: every event at or below it is gone, so a client resuming from there has to start afresh.
     *
     * @return how many events were deleted
     */
    public int purge() {
        Instant cutoff = clock.instant().minus(retention);
        int deleted = 0;
        while (true) {
            long through = jdbc.one(EXPIRED_THROUGH, statement -> {
                setInstant(statement, 1, cutoff);
                statement.setInt(2, PURGE_BATCH);
            }, row -> {
                long position = row.getLong(1);
                return row.wasNull() ? -1L : position; // max() of no rows: nothing has expired
            }).orElse(-1L);
            if (through < 0) {
                return deleted;
            }
            int batch = jdbc.transaction(connection -> {
                int rows = Jdbc.update(connection, DELETE_THROUGH, statement -> statement.setLong(1, through));
                Jdbc.update(connection, PURGED_THROUGH, statement -> {
                    statement.setLong(1, through);
                    statement.setLong(2, through);
                });
                return rows;
            });
            deleted += batch;
            if (batch < PURGE_BATCH) {
                return deleted;
            }
        }
    }

    private static StoredEvent event(ResultSet row) throws SQLException {
        Long version = row.getObject("version") == null ? null : row.getLong("version");
        return new StoredEvent(row.getLong("position"), row.getString("stream"), row.getString("owner_id"),
                row.getString("type"), row.getString("resource_id"), version, row.getString("data"),
                getInstant(row, "created_at"));
    }
}
