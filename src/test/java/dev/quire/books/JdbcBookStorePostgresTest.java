package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.TestDatabase;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The book store contract, paging 10,000 books and the full-text index's plan, on a real PostgreSQL server. */
class JdbcBookStorePostgresTest extends JdbcBookStoreTest {
    @Override
    TestDatabase testDatabase() {
        return TestDatabase.postgres();
    }

    /** On PostgreSQL a search reads its matches from the GIN index of the search column, not the whole table. */
    @Test
    void aSearchOnPostgresFindsItsBooksThroughTheFullTextIndex() throws Exception {
        String bigGenre = tenThousandBooks();
        // rows written straight to the table wait in the index's pending list, which (auto)vacuum merges into the
        // index in a running server; the plan is the one searches get once that has happened
        try (Connection connection = database.dataSource().getConnection();
             var statement = connection.createStatement()) {
            statement.execute("select gin_clean_pending_list('books_search'::regclass)");
        }
        var request = new BookStore.SearchRequest(new BookStore.Filter(null, BookKeys.key(bigGenre), null, null),
                SearchText.parse("4242"), BookSort.RELEVANCE, 40, 20,
                java.util.Set.of(BookStore.Facet.GENRE));

        String plan = plan(PostgresBookSearch.pageQuery(PostgresBookSearch.tsquery(request.text()), request));

        assertThat(plan).contains("books_search").doesNotContain("Seq Scan");
        var found = store.search(new BookStore.SearchRequest(request.filter(), request.text(), BookSort.RELEVANCE, 0,
                20, java.util.Set.of(BookStore.Facet.GENRE)));
        assertThat(found.books()).extracting(BookStore.BookRecord::title).containsExactly("Volume 4242");
        assertThat(found.total()).isEqualTo(1);
        assertThat(found.genres()).isEqualTo(java.util.Map.of(BookKeys.key(bigGenre), 1L));
    }
}
