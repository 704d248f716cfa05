package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.books.BookStore.Filter;
import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import dev.quire.support.AccountRows;
import dev.quire.support.RowCountingDataSource;
import dev.quire.support.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The book store contract on a migrated H2 file database, and paging 10,000 books in SQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBookStoreTest extends BookStoreContract {
    private Database database;
    private RowCountingDataSource counting;
    private TestDatabase testDatabase;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @Override
    BookStore newStore() {
        if (database == null) {
            testDatabase = testDatabase();
            database = testDatabase.open();
            counting = new RowCountingDataSource(database.dataSource());
        }
        var jdbc = new Jdbc(counting.dataSource());
        return new JdbcBookStore(jdbc, Outbox.NONE, engine(jdbc));
    }

    /** The database's search engine, opened once for the class. */
    private BookSearchEngine engine;

    BookSearchEngine engine(Jdbc jdbc) {
        if (engine == null) {
            engine = BookSearchEngines.open(jdbc, new dev.quire.db.DatabaseSettings(testDatabase.url(), "", "", 4));
        }
        return engine;
    }

    @Override
    AccountId newAccount() {
        return AccountRows.insert(database.dataSource(), "Reader");
    }

    @AfterAll
    void close() {
        if (engine != null) {
            engine.close();
        }
        database.close();
    }

    /** 10,000 books by one author in a genre of their own, written straight to the tables (once per class). */
    private String catalogue;

    String tenThousandBooks() throws Exception {
        if (catalogue != null) {
            return catalogue;
        }
        String bigGenre = "Ten thousand " + System.nanoTime();
        try (Connection connection = database.dataSource().getConnection();
             var insert = connection.prepareStatement("insert into books (id, title, title_key, author, author_key,"
                     + " publication_year, genre, genre_key, isbn, created_by, created_at, updated_at, version,"
                     + " rating_count, rating_sum, rating_average) values (?, ?, ?, ?, ?, ?, ?, ?, null, null, ?, ?,"
                     + " 1, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            var now = Instant.now().atOffset(ZoneOffset.UTC);
            for (int i = 0; i < 10_000; i++) {
                String id = Ids.timeOrdered(BookId.PREFIX, 1_000_000 + i);
                String title = "Volume " + i;
                insert.setString(1, id);
                insert.setString(2, title);
                insert.setString(3, BookKeys.key(title));
                insert.setString(4, "Prolific Author");
                insert.setString(5, BookKeys.key("Prolific Author"));
                insert.setObject(6, i % 10 == 0 ? null : 1900 + i % 120, java.sql.Types.INTEGER);
                insert.setString(7, bigGenre);
                insert.setString(8, BookKeys.key(bigGenre));
                insert.setObject(9, now);
                insert.setObject(10, now);
                insert.setInt(11, i % 3 == 0 ? 0 : 1);
                insert.setInt(12, i % 3 == 0 ? 0 : 1 + i % 5);
                insert.setBigDecimal(13, i % 3 == 0 ? null : new java.math.BigDecimal(1 + i % 5));
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
            try (var statement = connection.createStatement()) {
                statement.execute("analyze");
            }
            connection.commit();
        }
        // the rows went in behind the search engine's back, as a crash after their commit would leave them: opened
        // again, the engine finds its index out of date and rebuilds it
        engine.close();
        engine = null;
        store = newStore();
        catalogue = bigGenre;
        return catalogue;
    }

    @Test
    void aPageOfTenThousandBooksReadsOnlyThatPageFromTheDatabase() throws Exception {
        String bigGenre = tenThousandBooks();
        counting.reset();

        var service = new BookService(store, java.time.Clock.systemUTC());
        var page = service.list(new BookQuery("Prolific Author", null, null, null, "volume", BookSort.YEAR_DESC,
                3, 20, java.util.Set.of())).page();

        assertThat(page.total()).isEqualTo(10_000);
        assertThat(page.items()).hasSize(20);
        // the page's 20 rows (found and counted in the search index): not 10,000
        assertThat(counting.rowsRead()).isEqualTo(20);
    }

    /** Every sort reads its index in order and stops after the page: no scan of the table, no sort. */
    @ParameterizedTest
    @EnumSource(BookSort.class)
    void everySortIsServedByAnIndexInItsOrder(BookSort sort) throws Exception {
        tenThousandBooks();

        String plan = plan(SqlBookList.listQuery(new Filter(null, null, null, null), sort, 40, 20));

        if (isPostgres()) {
            assertThat(plan).contains("Index").doesNotContain("Seq Scan").doesNotContain("Sort");
        } else {
            assertThat(plan).contains("index sorted").doesNotContain("tableScan");
        }
    }

    @Test
    void filtersByAuthorAndGenreUseTheirIndexes() throws Exception {
        String bigGenre = tenThousandBooks();

        String byAuthor = plan(SqlBookList.listQuery(new Filter("prolific author", null, null, null),
                BookSort.AUTHOR, 0, 20));
        String byGenre = plan(SqlBookList.listQuery(new Filter(null, BookKeys.key(bigGenre), null, null),
                BookSort.TITLE, 0, 20));

        for (String plan : List.of(byAuthor, byGenre)) {
            if (isPostgres()) {
                assertThat(plan).contains("Index").doesNotContain("Seq Scan");
            } else {
                assertThat(plan).doesNotContain("tableScan");
            }
        }
    }

    boolean isPostgres() {
        return testDatabase.url().startsWith("jdbc:postgresql:");
    }

    /** The database's plan for the query, as text. */
    String plan(SqlBookList.Query query) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             var statement = connection.prepareStatement("explain " + query.sql())) {
            for (int i = 0; i < query.values().size(); i++) {
                statement.setObject(i + 1, query.values().get(i));
            }
            var plan = new StringBuilder();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
