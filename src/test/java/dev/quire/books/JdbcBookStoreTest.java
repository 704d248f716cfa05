package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import dev.quire.support.AccountRows;
import dev.quire.support.RowCountingDataSource;
import dev.quire.support.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The book store contract on a migrated H2 file database, and paging 10,000 books in SQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBookStoreTest extends BookStoreContract {
    private Database database;
    private RowCountingDataSource counting;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @Override
    BookStore newStore() {
        if (database == null) {
            database = testDatabase().open();
            counting = new RowCountingDataSource(database.dataSource());
        }
        return new JdbcBookStore(new Jdbc(counting.dataSource()));
    }

    @Override
    AccountId newAccount() {
        return AccountRows.insert(database.dataSource(), "Reader");
    }

    @AfterAll
    void close() {
        database.close();
    }

    @Test
    void aPageOfTenThousandBooksReadsOnlyThatPageFromTheDatabase() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             var insert = connection.prepareStatement("insert into books (id, title, title_key, author, author_key,"
                     + " publication_year, genre, genre_key, isbn, created_by, created_at, updated_at, version,"
                     + " rating_count, rating_sum, rating_average) values (?, ?, ?, ?, ?, ?, ?, ?, null, null, ?, ?,"
                     + " 1, 0, 0, null)")) {
            connection.setAutoCommit(false);
            var now = Instant.now().atOffset(ZoneOffset.UTC);
            for (int i = 0; i < 10_000; i++) {
                insert.setString(1, Ids.timeOrdered(BookId.PREFIX, 1_000_000 + i));
                insert.setString(2, "Volume " + i);
                insert.setString(3, "volume " + i);
                insert.setString(4, "Prolific Author");
                insert.setString(5, "prolific author");
                insert.setInt(6, 1900 + i % 120);
                insert.setString(7, genre);
                insert.setString(8, genre.toLowerCase());
                insert.setObject(9, now);
                insert.setObject(10, now);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
        counting.reset();

        var service = new BookService(store, java.time.Clock.systemUTC());
        var page = service.list(new BookQuery("Prolific Author", genre, null, null, "volume", BookSort.YEAR_DESC, 3, 20));

        assertThat(page.total()).isEqualTo(10_000);
        assertThat(page.items()).hasSize(20);
        // the page's 20 rows and the count's single row: not 10,000
        assertThat(counting.rowsRead()).isEqualTo(21);
    }
}
