package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.BookRecordUpdates;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.NewBookRecord;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.db.Database;
import dev.quire.db.DatabaseSettings;
import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.shared.Ids;
import dev.quire.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Lucene index beside an H2 database: where it lives, when it is rebuilt, and how it follows the table. */
class LuceneBookSearchTest {
    private static final AtomicLong MILLIS = new AtomicLong(Instant.now().toEpochMilli());

    @TempDir
    Path dir;
    private Database database;
    private Jdbc jdbc;
    private TestDatabase testDatabase;
    private LuceneBookSearch engine;

    private void openDatabase() {
        testDatabase = TestDatabase.h2In(dir);
        database = testDatabase.open();
        jdbc = new Jdbc(database.dataSource());
    }

    private LuceneBookSearch openEngine() {
        engine = LuceneBookSearch.open(jdbc, new DatabaseSettings(testDatabase.url(), "", "", 4));
        return engine;
    }

    private JdbcBookStore store() {
        return new JdbcBookStore(jdbc, Outbox.NONE, engine);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static BookRecord add(BookStore store, String title) {
        Instant at = Instant.ofEpochMilli(MILLIS.incrementAndGet());
        return store.insert(new NewBookRecord(new BookId(Ids.timeOrdered(BookId.PREFIX, at.toEpochMilli())), title,
                "Some Author", 1999, "Fantasy", null, null, null, at));
    }

    /** A book's row written straight to the table: committed, but the search engine is never told. */
    private String addBehindTheIndexsBack(String title) {
        String id = Ids.timeOrdered(BookId.PREFIX, MILLIS.incrementAndGet());
        var now = Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        jdbc.update("insert into books (id, title, title_key, author, author_key, created_at, updated_at, version,"
                + " rating_count, rating_sum) values (?, ?, ?, 'Nobody', 'nobody', ?, ?, 1, 0, 0)", statement -> {
                    statement.setString(1, id);
                    statement.setString(2, title);
                    statement.setString(3, BookKeys.key(title));
                    statement.setObject(4, now);
                    statement.setObject(5, now);
                });
        return title;
    }

    private List<String> titlesFound(String text) {
        return titlesFoundBy(engine, text);
    }

    private static List<String> titlesFoundBy(LuceneBookSearch engine, String text) {
        return engine.search(new SearchRequest(Filter.NONE, SearchText.parse(text), BookSort.TITLE, 0, 50, Set.of()))
                .books().stream().map(BookRecord::title).toList();
    }

    @Test
    void theIndexIsBuiltBesideTheDatabaseFileAndOpenedAsItIsAfterACleanClose() {
        openDatabase();
        assertThat(openEngine().openedBecause()).isEqualTo("missing");
        add(store(), "Dune");
        engine.close();

        assertThat(dir.resolve("quire.search")).isDirectory();
        assertThat(openEngine().openedBecause()).isEqualTo("up to date");
        assertThat(titlesFound("dune")).containsExactly("Dune");
    }

    @Test
    void aBookWrittenWhileTheIndexWasClosedIsFoundAfterTheNextOpen() {
        openDatabase();
        openEngine();
        add(store(), "Dune");
        engine.close();
        addBehindTheIndexsBack("Dune Messiah");

        assertThat(openEngine().openedBecause()).isEqualTo("out of date");
        assertThat(titlesFound("dune")).containsExactly("Dune", "Dune Messiah");
    }

    @Test
    void aCrashBetweenACommitAndTheIndexUpdateLeavesNoBookUnfindableAfterRestart() throws Exception {
        openDatabase();
        openEngine();
        add(store(), "Dune");
        // committed, then the process dies before the index hears of it: the disk holds what this copy holds
        addBehindTheIndexsBack("Children of Dune");
        Path crashed = Files.createDirectory(dir.resolve("crashed"));
        try (var files = Files.list(dir.resolve("quire.search"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("write.lock")).toList()) {
                Files.copy(file, crashed.resolve(file.getFileName()));
            }
        }
        engine.close();
        engine = null;
        replace(dir.resolve("quire.search"), crashed);

        assertThat(openEngine().openedBecause()).isEqualTo("not closed cleanly");
        assertThat(titlesFound("dune")).containsExactly("Children of Dune", "Dune");
    }

    @Test
    void twoEnginesOnOneDatabaseShareItsIndex() {
        openDatabase();
        var first = openEngine();
        assertThat(first.openedBecause()).isEqualTo("missing");
        // a second instance on the same database file: its own pool, the same index
        try (Database secondDatabase = testDatabase.open()) {
            var secondJdbc = new Jdbc(secondDatabase.dataSource());
            var second = LuceneBookSearch.open(secondJdbc, new DatabaseSettings(testDatabase.url(), "", "", 4));
            assertThat(second.openedBecause()).isEqualTo("already open");
            var firstStore = new JdbcBookStore(jdbc, Outbox.NONE, first);
            var secondStore = new JdbcBookStore(secondJdbc, Outbox.NONE, second);

            add(firstStore, "Dune");
            var messiah = add(secondStore, "Dune Messiah");
            assertThat(titlesFoundBy(second, "dune")).containsExactly("Dune", "Dune Messiah");
            assertThat(titlesFoundBy(first, "dune")).containsExactly("Dune", "Dune Messiah");

            first.close();
            database.close();
            database = null;
            secondStore.delete(messiah.id(), messiah.version());
            add(secondStore, "Children of Dune");
            assertThat(titlesFoundBy(second, "dune")).containsExactly("Children of Dune", "Dune");
            second.close();
        }

        openDatabase();
        assertThat(openEngine().openedBecause()).isEqualTo("up to date");
        assertThat(titlesFound("dune")).containsExactly("Children of Dune", "Dune");
    }

    @Test
    void twoEnginesOnOneNamedInMemoryDatabaseShareItsIndex() {
        var settings = new DatabaseSettings("jdbc:h2:mem:lucene" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "", "", 2);
        database = Database.open(settings, new SimpleMeterRegistry());
        jdbc = new Jdbc(database.dataSource());
        engine = LuceneBookSearch.open(jdbc, settings);
        try (var second = LuceneBookSearch.open(jdbc, settings)) {
            assertThat(second.openedBecause()).isEqualTo("already open");
            add(new JdbcBookStore(jdbc, Outbox.NONE, second), "Neuromancer");
            assertThat(titlesFound("neuro")).containsExactly("Neuromancer");
        }
    }

    @Test
    void aDamagedIndexIsBuiltAgain() throws Exception {
        openDatabase();
        openEngine();
        add(store(), "Dune");
        engine.close();
        try (var files = Files.list(dir.resolve("quire.search"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
                Files.write(file, new byte[] {1, 2, 3});
            }
        }

        assertThat(openEngine().openedBecause()).isEqualTo("out of date");
        assertThat(titlesFound("dune")).containsExactly("Dune");
    }

    private static void replace(Path index, Path with) throws Exception {
        try (var files = Files.list(index)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        try (var files = Files.list(with)) {
            for (Path file : files.toList()) {
                Files.move(file, index.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void ofConcurrentChangesOfOneBookTheLastCommittedVersionIsWhatIsFound() throws Exception {
        openDatabase();
        openEngine();
        var store = store();
        var book = add(store, "Edition start");
        var titles = Collections.synchronizedList(new ArrayList<String>());
        int writers = 4;
        var go = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 25; i++) {
                    String title = "Edition w" + writer + "n" + i;
                    while (true) {
                        var current = store.find(book.id()).orElseThrow();
                        if (store.update(current, new BookRecordUpdates(title, "Some Author", 1999, "Fantasy", null,
                                null), Instant.now()).isPresent()) {
                            titles.add(title);
                            break;
                        }
                    }
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

        String last = store.find(book.id()).orElseThrow().title();
        assertThat(titles).hasSize(100).contains(last);
        assertThat(titlesFound("edition")).containsExactly(last);
        for (String title : titles) {
            String word = title.substring("Edition ".length());
            assertThat(titlesFound(word + " ")).isEqualTo(title.equals(last) ? List.of(last) : List.of());
        }
    }

    @Test
    void aDeletedBookLeavesTheIndexAtOnce() {
        openDatabase();
        openEngine();
        var store = store();
        var book = add(store, "Ephemeral");
        assertThat(titlesFound("ephemeral")).containsExactly("Ephemeral");

        store.delete(book.id(), book.version());

        assertThat(titlesFound("ephemeral")).isEmpty();
        assertThat(engine.wordsLike("ephemeral", 0)).doesNotContainKey("ephemeral");
    }

    @Test
    void anInMemoryDatabaseHasItsIndexInMemory() {
        var settings = new DatabaseSettings("jdbc:h2:mem:lucene" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "", "", 2);
        database = Database.open(settings, new SimpleMeterRegistry());
        jdbc = new Jdbc(database.dataSource());
        engine = LuceneBookSearch.open(jdbc, settings);
        add(store(), "Neuromancer");

        assertThat(engine.openedBecause()).isEqualTo("missing");
        assertThat(titlesFound("neuro")).containsExactly("Neuromancer");
        assertThat(LuceneBookSearch.indexPath(settings.url())).isNull();
    }

    @Test
    void theIndexLivesBesideTheDatabaseFile() {
        assertThat(LuceneBookSearch.indexPath("jdbc:h2:file:/x/quire;MODE=PostgreSQL"))
                .isEqualTo(Path.of("/x/quire.search"));
        assertThat(LuceneBookSearch.indexPath("jdbc:h2:/x/data/quire")).isEqualTo(Path.of("/x/data/quire.search"));
        assertThat(LuceneBookSearch.indexPath("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1")).isNull();
    }
}
