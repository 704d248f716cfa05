package dev.quire.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.support.MutableClock;
import dev.quire.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event log on a migrated H2 database (and on PostgreSQL: {@link EventLogPostgresTest}), with transactions of
 * its own on separate connections, as concurrent requests would hold them. The heart of the design: events commit in
 * any order, yet a reader that asks for what comes after the last position it saw never misses one.
 */
class EventLogTest {
    private static final Duration RETENTION = Duration.ofHours(24);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private TestDatabase testDatabase;
    private Database database;
    private EventLog log;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @BeforeEach
    void open() {
        testDatabase = testDatabase();
        database = testDatabase.open();
        log = new EventLog(new Jdbc(database.dataSource()), clock, RETENTION, !testDatabase.url().startsWith("jdbc:h2"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    /**
     * T1 writes its event first, T2 second; T2 commits, the sequencer runs, a reader reads; then T1 commits and the
     * sequencer runs again. T1's event, though written first (the lower seq), gets the next position, so the reader,
     * already past T2's, still gets it next. Reading by seq ("after the last seq I saw") would have skipped it.
     */
    @Test
    void anEventThatCommitsLateGetsTheNextPositionSoAReaderPastTheOthersStillGetsIt() throws SQLException {
        try (Connection first = transaction(); Connection second = transaction()) {
            log.append(first, todoEvent("todo_first"));
            log.append(second, todoEvent("todo_second"));
            second.commit();

            assertThat(log.sequence()).isEqualTo(1);
            var read = log.read(0, Long.MAX_VALUE, 100);
            assertThat(read).extracting(StoredEvent::resourceId).containsExactly("todo_second");
            long cursor = read.get(0).position();

            first.commit();
            assertThat(log.sequence()).isEqualTo(2);
            var next = log.read(cursor, Long.MAX_VALUE, 100);

            assertThat(next).extracting(StoredEvent::resourceId).containsExactly("todo_first");
            assertThat(next.get(0).position()).isEqualTo(cursor + 1);
        }
        // written in one order, positioned in the other: the order they became visible in
        assertThat(seqsInPositionOrder()).hasSize(2).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void anEventNotYetCommittedIsNotPositionedAndARolledBackOneNeverIs() throws SQLException {
        try (Connection open = transaction(); Connection undone = transaction()) {
            log.append(open, todoEvent("todo_open"));
            log.append(undone, todoEvent("todo_undone"));
            undone.rollback();

            assertThat(log.sequence()).isZero();
            assertThat(log.read(0, Long.MAX_VALUE, 100)).isEmpty();

            open.commit();
        }
        assertThat(log.sequence()).isEqualTo(1);
        assertThat(log.read(0, Long.MAX_VALUE, 100)).extracting(StoredEvent::resourceId).containsExactly("todo_open");
        assertThat(log.sequence()).as("nothing pending: the last position stays").isEqualTo(1);
    }

    /**
     * A sequencer holds the log's row until it commits; another waits for it, so their positions never interleave and
     * the second sees what the first positioned. Here the first is a transaction of the test's, holding the row.
     */
    @Test
    void aSequencerWaitsWhileAnotherHoldsTheLog() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Connection holder = transaction()) {
            try (var statement = holder.createStatement()) {
                statement.executeQuery("select last_position from event_log where id = 1 for update").close();
            }
            try (Connection writer = transaction()) {
                log.append(writer, todoEvent("todo_waiting"));
                writer.commit();
            }
            Future<Long> sequenced = background.submit(log::sequence);
            Thread.sleep(300);
            assertThat(sequenced).as("sequencing while another holds the log").isNotDone();

            holder.commit();
            assertThat(sequenced.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            background.shutdownNow();
        }
    }

    /**
     * Eight writers commit events after random pauses (so they commit in another order than they wrote), a ninth
     * rolls back, while two hubs each keep sequencing and reading from their own cursor: each hub reads every
     * committed event exactly once, at consecutive positions, and never a rolled-back one. The positions end up in
     * another order than the seqs: the case the sequencer exists for did happen.
     */
    @Test
    void concurrentWritersAndTwoHubsNeitherSkipNorRepeatAnEvent() throws Exception {
        int writers = 8;
        int perWriter = 40;
        var committed = ConcurrentHashMap.<String>newKeySet();
        var rolledBack = ConcurrentHashMap.<String>newKeySet();
        var writing = new CountDownLatch(writers);
        var done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 3);
        try {
            var hubs = List.of(pool.submit(() -> hub(done)), pool.submit(() -> hub(done)));
            var work = new ArrayList<Future<?>>();
            for (int w = 0; w < writers; w++) {
                int number = w;
                work.add(pool.submit(() -> {
                    try {
                        for (int i = 0; i < perWriter; i++) {
                            write("todo_" + number + "_" + i, committed, null);
                        }
                    } finally {
                        writing.countDown();
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                while (writing.getCount() > 0) {
                    write("todo_undone_" + rolledBack.size(), null, rolledBack);
                }
                return null;
            }));
            for (var finished : work) {
                finished.get(2, TimeUnit.MINUTES);
            }
            done.set(true);
            for (var hub : hubs) {
                List<StoredEvent> read = hub.get(1, TimeUnit.MINUTES);

                assertThat(read).extracting(StoredEvent::position)
                        .containsExactlyElementsOf(positions(1, writers * perWriter));
                assertThat(read).extracting(StoredEvent::resourceId).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(committed);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rolledBack).isNotEmpty();
        var seqs = seqsInPositionOrder();
        assertThat(seqs).hasSize(writers * perWriter);
        assertThat(inversions(seqs)).as("events positioned in another order than they were written").isPositive();
    }

    @Test
    void readsTheEventsOfOneStreamThatAreOneOwnersOrPublic() throws SQLException {
        try (Connection connection = transaction()) {
            log.append(connection, new ChangeEvent("todos", "acct_a", "todo.created", "todo_a", 1L, Map.of("id", "todo_a")));
            log.append(connection, new ChangeEvent("todos", "acct_b", "todo.created", "todo_b", 1L, Map.of("id", "todo_b")));
            log.append(connection, new ChangeEvent("books", null, "book.deleted", "book_1", 3L, Map.of("id", "book_1")));
            log.append(connection, new ChangeEvent("todos", "acct_a", "todos.cleared", "acct_a", null, Map.of("ids", List.of())));
            connection.commit();
        }
        log.sequence();

        assertThat(log.read("todos", "acct_a", 0, Long.MAX_VALUE, 100)).extracting(StoredEvent::position)
                .containsExactly(1L, 4L);
        assertThat(log.read("todos", "acct_a", 1, 3, 100)).isEmpty();
        assertThat(log.read("books", null, 0, Long.MAX_VALUE, 100)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("book.deleted");
            assertThat(event.version()).isEqualTo(3L);
            assertThat(event.data()).isEqualTo("{\"id\":\"book_1\"}");
            assertThat(event.createdAt()).isEqualTo(clock.instant());
        });
        assertThat(log.read("todos", "acct_a", 0, Long.MAX_VALUE, 1)).hasSize(1);
        assertThat(log.read("todos", "acct_a", 0, Long.MAX_VALUE, 100).get(1).version()).isNull();
    }

    @Test
    void purgeDeletesWhatIsPastTheRetentionAndRecordsTheHighestPositionGone() throws SQLException {
        for (int i = 0; i < 3; i++) {
            commit(todoEvent("todo_old_" + i));
        }
        log.sequence();
        clock.advance(RETENTION.plusMinutes(1));
        commit(todoEvent("todo_new"));
        log.sequence();

        assertThat(log.purge()).isEqualTo(3);

        assertThat(log.state()).isEqualTo(new EventLog.State(4, 3));
        assertThat(log.read(0, Long.MAX_VALUE, 100)).extracting(StoredEvent::resourceId).containsExactly("todo_new");
        assertThat(log.purge()).isZero();
    }

    /** One hub: sequences and reads after its cursor until told to stop and nothing more is there. */
    private List<StoredEvent> hub(AtomicBoolean done) throws InterruptedException {
        var read = new ArrayList<StoredEvent>();
        long cursor = 0;
        while (true) {
            boolean last = done.get();
            log.sequence();
            for (var batch = log.read(cursor, Long.MAX_VALUE, 50); !batch.isEmpty();
                    batch = log.read(cursor, Long.MAX_VALUE, 50)) {
                read.addAll(batch);
                cursor = batch.get(batch.size() - 1).position();
            }
            if (last) {
                return read;
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
        }
    }

    /** Writes one event in a transaction of its own, pausing a little before committing (or rolling back). */
    private void write(String resourceId, Set<String> committed, Set<String> rolledBack) throws Exception {
        try (Connection connection = transaction()) {
            log.append(connection, todoEvent(resourceId));
            Thread.sleep(ThreadLocalRandom.current().nextInt(4));
            if (committed != null) {
                connection.commit();
                committed.add(resourceId);
            } else {
                connection.rollback();
                rolledBack.add(resourceId);
            }
        }
    }

    private void commit(ChangeEvent event) throws SQLException {
        try (Connection connection = transaction()) {
            log.append(connection, event);
            connection.commit();
        }
    }

    /** A connection of its own, outside the pool, in a transaction. */
    private Connection transaction() throws SQLException {
        Connection connection = DriverManager.getConnection(testDatabase.url());
        connection.setAutoCommit(false);
        return connection;
    }

    private List<Long> seqsInPositionOrder() throws SQLException {
        try (Connection connection = DriverManager.getConnection(testDatabase.url());
             var statement = connection.createStatement();
             var rows = statement.executeQuery("select seq from events where position is not null order by position")) {
            var seqs = new ArrayList<Long>();
            while (rows.next()) {
                seqs.add(rows.getLong(1));
            }
            return seqs;
        }
    }

    /** How many events were positioned after one that was written later. */
    private static int inversions(List<Long> seqs) {
        int count = 0;
        long highest = Long.MIN_VALUE;
        for (long seq : seqs) {
            if (seq < highest) {
                count++;
            }
            highest = Math.max(highest, seq);
        }
        return count;
    }

    private static List<Long> positions(long from, long count) {
        var positions = new ArrayList<Long>();
        for (long position = from; position < from + count; position++) {
            positions.add(position);
        }
        return positions;
    }

    private static ChangeEvent todoEvent(String id) {
        return new ChangeEvent("todos", "acct_test", "todo.created", id, 1L, Map.of("id", id));
    }
}
