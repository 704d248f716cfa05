package dev.quire.limits;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in the rate_limit_buckets table (migration V7), shared by every instance on the database. A greedy token
 * bucket is wholly described by the moment it will be full again ({@code full_at}; the generic cell rate
 * algorithm): with one token back every {@code window / capacity}, it lacks {@code ceil((full_at - now) / interval)}
 * tokens. So a row is one hashed key and one timestamp, a missing row is a full bucket, and a row whose moment has
 * passed can be deleted without changing anything. A take reads its row {@code FOR UPDATE} and writes it in one
 * transaction, so takes from any number of instances at once are counted exactly.
 *
 * <p>On PostgreSQL a bucket's change commits without waiting for the disk ({@code synchronous_commit} off for its
 * transaction only): a crash of the database may forget the last fraction of a second of takes, which the limits can
 * afford (every bucket is full again within a window anyway), and each take costs no disk flush. Time is this
 * instance's clock: instances whose clocks differ by a few milliseconds disagree about a bucket by that much of a
 * token's interval, never more (a clock behind another's only finds the bucket emptier). A database failure is the
 * caller's failure (503 when the database is unreachable): a limit never silently stops counting.
 */
public final class JdbcBucketStore implements BucketStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcBucketStore.class);
    /** How often, at most, takes delete buckets that are full again; more often while a batch comes back full. */
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
    private static final int PURGE_BATCH = 1000;

    private static final String SELECT = "select full_at from rate_limit_buckets where bucket_key = ?";
    private static final String LOCK = SELECT + " for update";
    // a concurrent first take of the same key may insert the row first: then this one locks that row
    private static final String INSERT = """
            insert into rate_limit_buckets (bucket_key, full_at) values (?, ?) on conflict do nothing""";
    private static final String UPDATE = "update rate_limit_buckets set full_at = ? where bucket_key = ?";
    private static final String NO_DISK_WAIT = "set local synchronous_commit to off";
    // the outer condition is checked again on a row another transaction changed meanwhile: a bucket taken from
    // since the inner select saw it is kept; rows locked by a take or by another instance's purge are skipped
    private static final String PURGE = """
            delete from rate_limit_buckets where full_at < ? and bucket_key in (
                select bucket_key from rate_limit_buckets where full_at < ?
                fetch first %d rows only for update skip locked)""";

    private final Jdbc jdbc;
    private final Clock clock;
    private final String purge;
    private final int purgeBatch;
    private final boolean postgres;
    private final AtomicLong nextPurgeMillis = new AtomicLong();

    /** The store on PostgreSQL. */
    public JdbcBucketStore(Jdbc jdbc, Clock clock) {
        this(jdbc, clock, PURGE_BATCH, true);
    }

    /** @param postgres false for H2, where the same SQL runs for the store's tests (its commits are H2's own) */
    JdbcBucketStore(Jdbc jdbc, Clock clock, int purgeBatch, boolean postgres) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.purgeBatch = purgeBatch;
        this.purge = PURGE.formatted(purgeBatch);
        this.postgres = postgres;
    }

    @Override
    public TokenBuckets buckets(String name, int capacity, Duration window) {
        return new Limit(name, capacity, window);
    }

    private final class Limit implements TokenBuckets {
        private final String name;
        private final long capacity;
        /** One token's time, in whole microseconds (what PostgreSQL's timestamps keep), rounded up. */
        private final long intervalNanos;

        Limit(String name, int capacity, Duration window) {
            if (capacity < 1) {
                throw new IllegalArgumentException("A limit holds at least one token");
            }
            this.name = name;
            this.capacity = capacity;
            long micros = (window.toNanos() / 1000 + capacity - 1) / capacity;
            this.intervalNanos = Math.max(1, micros) * 1000;
        }

        @Override
        public Probe peek(String key) {
            Instant now = now();
            Optional<Instant> fullAt = jdbc.one(SELECT, statement -> statement.setString(1, hash(key)),
                    row -> getInstant(row, "full_at"));
            long lacking = lacking(now, fullAt.orElse(now));
            return lacking + intervalNanos <= capacity * intervalNanos
                    ? new Probe(true, capacity - tokens(lacking), 0)
                    : new Probe(false, 0, untilOne(lacking));
        }

        @Override
        public Probe tryTake(String key) {
            String hashed = hash(key);
            Instant now = now();
            Probe probe = jdbc.transaction(connection -> {
                Instant fullAt = lockedFullAt(connection, hashed, now);
                long lacking = lacking(now, fullAt);
                if (lacking + intervalNanos > capacity * intervalNanos) {
                    return new Probe(false, 0, untilOne(lacking));
                }
                Instant later = (fullAt.isAfter(now) ? fullAt : now).plusNanos(intervalNanos);
                write(connection, hashed, later);
                return new Probe(true, capacity - tokens(lacking + intervalNanos), 0);
            });
            purgeIfDue(now);
            return probe;
        }

        @Override
        public void giveBack(String key) {
            String hashed = hash(key);
            Instant now = now();
            jdbc.transaction(connection -> {
                var fullAt = lock(connection, hashed);
                // a missing row or one whose moment has passed is a full bucket, and stays as it is
                if (fullAt.isPresent() && fullAt.get().isAfter(now)) {
                    Instant earlier = fullAt.get().minusNanos(intervalNanos);
                    write(connection, hashed, earlier.isAfter(now) ? earlier : now);
                }
                return null;
            });
        }

        /** The row's moment, locked until the transaction ends; a missing row is inserted as a full bucket. */
        private Instant lockedFullAt(Connection connection, String hashed, Instant now) throws SQLException {
            while (true) {
                var locked = lock(connection, hashed);
                if (locked.isPresent()) {
                    return locked.get();
                }
                noDiskWait(connection);
                int inserted = Jdbc.update(connection, INSERT, statement -> {
                    statement.setString(1, hashed);
                    setInstant(statement, 2, now);
                });
                if (inserted == 1) {
                    // the row this transaction inserted is its own until it ends
                    return now;
                }
                // another transaction inserted it first and has committed: lock that row
            }
        }

        private Optional<Instant> lock(Connection connection, String hashed) throws SQLException {
            return Jdbc.one(connection, LOCK, statement -> statement.setString(1, hashed),
                    row -> getInstant(row, "full_at"));
        }

        private void write(Connection connection, String hashed, Instant fullAt) throws SQLException {
            noDiskWait(connection);
            Jdbc.update(connection, UPDATE, statement -> {
                setInstant(statement, 1, fullAt);
                statement.setString(2, hashed);
            });
        }

        /** How long until a bucket that is full at {@code fullAt} is full; never negative. */
        private long lacking(Instant now, Instant fullAt) {
            return fullAt.isAfter(now) ? Duration.between(now, fullAt).toNanos() : 0;
        }

        private long tokens(long lackingNanos) {
            return (lackingNanos + intervalNanos - 1) / intervalNanos;
        }

        /** Until the bucket lacks one token less than its capacity, so that one can be taken. */
        private long untilOne(long lackingNanos) {
            return lackingNanos - (capacity - 1) * intervalNanos;
        }

        /** A fixed-size key that names neither the email nor the address it was made from. */
        private String hash(String key) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest((name + '\n' + key).getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JDK has SHA-256", e);
            }
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** For the rest of this transaction; repeating it is harmless. */
    private void noDiskWait(Connection connection) throws SQLException {
        if (postgres) {
            Jdbc.update(connection, NO_DISK_WAIT, statement -> { });
        }
    }

    /**
     * Deletes one batch of buckets that are full again, at most once a minute per instance, or at the next take
     * while batches come back full: the table holds the buckets used in the last window and not many more. Runs
     * after the take it follows has been decided, and a failure here is only logged: the next purge tries again.
     */
    private void purgeIfDue(Instant now) {
        long due = nextPurgeMillis.get();
        long nowMillis = now.toEpochMilli();
        if (nowMillis < due || !nextPurgeMillis.compareAndSet(due, nowMillis + PURGE_INTERVAL.toMillis())) {
            return;
        }
        try {
            int deleted = jdbc.update(purge, statement -> {
                setInstant(statement, 1, now);
                setInstant(statement, 2, now);
            });
            if (deleted >= purgeBatch) {
                nextPurgeMillis.set(nowMillis);
            }
        } catch (RuntimeException e) {
            log.warn("Could not delete rate-limit buckets that are full again; the next purge tries again", e);
        }
    }
}
