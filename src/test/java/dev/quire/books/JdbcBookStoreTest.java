package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.Facet;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.NewBookRecord;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The book store contract on a migrated H2 file database, and paging 10,000 books in SQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBookStoreTest extends BookStoreContract {
    Database database;
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

    // ---- The search engine's contract (the same on H2 with Lucene and on PostgreSQL's full-text search) ----

    private int searchBooks;

    /** A book of this test's genre with a description. */
    BookRecord addDescribed(String title, String author, Integer year, String description) {
        return addIn(genre, title, author, year, description);
    }

    BookRecord addIn(String genreName, String title, String author, Integer year, String description) {
        Instant at = start.plusSeconds(3600).plusMillis(searchBooks++);
        var id = new BookId(Ids.timeOrdered(BookId.PREFIX, at.toEpochMilli()));
        return store.insert(new NewBookRecord(id, title, author, year, genreName, null, description, creator, at));
    }

    SearchResult searchFor(Filter filter, String text, BookSort sort, Set<Facet> facets) {
        return store.search(new SearchRequest(filter, text == null ? null : SearchText.parse(text), sort, 0, 20,
                facets));
    }

    List<String> titlesFound(String text) {
        return searchFor(mine(), text, BookSort.TITLE, Set.of()).books().stream().map(BookRecord::title).toList();
    }

    @Test
    void aSearchStemsEnglishWordsAndMatchesTheLastWordAsAPrefix() {
        addDescribed("Science Fiction Stories", "Ann Writer", 1950, null);
        addDescribed("Fictions", "Jorge Luis Borges", 1944, null);
        addDescribed("The Lord of the Rings", "J. R. R. Tolkien", 1954, null);
        addDescribed("Dune", "Frank Herbert", 1965, null);

        // a trailing space ends the last word: no prefix, stemming alone
        assertThat(titlesFound("fiction ")).containsExactly("Fictions", "Science Fiction Stories");
        assertThat(titlesFound("fictions ")).containsExactly("Fictions", "Science Fiction Stories");
        assertThat(titlesFound("story ")).containsExactly("Science Fiction Stories");
        assertThat(titlesFound("tolk")).containsExactly("The Lord of the Rings");
        assertThat(titlesFound("lord of the ri")).containsExactly("The Lord of the Rings");
        // a stop word typed so far is still a prefix
        assertThat(titlesFound("the")).isEmpty();
        assertThat(titlesFound("her")).containsExactly("Dune");
        assertThat(titlesFound("une ")).isEmpty();
        assertThat(titlesFound("FICTION stori")).containsExactly("Science Fiction Stories");
    }

    @Test
    void aWordBeingTypedIsFoundWhateverItsStemWouldBe() {
        addDescribed("Skyline", "Ann Writer", 1990, null);
        addDescribed("Running Water", "Cy Writer", 1992, null);
        addDescribed("Ski Slopes", "Di Writer", 1993, null);

        // stemmed, "sky" ends in "i" (PostgreSQL's stem, "ski", also finds Ski Slopes): as typed it must match too
        assertThat(titlesFound("sky")).contains("Skyline");
        assertThat(titlesFound("skyl")).containsExactly("Skyline");
        // and a whole word typed still finds what its stem does
        assertThat(titlesFound("running")).containsExactly("Running Water");
        assertThat(titlesFound("runs")).containsExactly("Running Water");
    }

    @Test
    void quotedPhrasesKeepTheirOrderAndExcludedWordsLeaveBooksOut() {
        addDescribed("Science Fiction Stories", "Ann Writer", 1950, null);
        addDescribed("Fictions", "Jorge Luis Borges", 1944, null);
        addDescribed("The Lord of the Rings", "J. R. R. Tolkien", 1954, null);
        addDescribed("Rings of Saturn", "W. G. Sebald", 1995, null);

        assertThat(titlesFound("\"lord of the rings\"")).containsExactly("The Lord of the Rings");
        assertThat(titlesFound("\"the lord\"")).containsExactly("The Lord of the Rings");
        assertThat(titlesFound("\"rings lord\"")).isEmpty();
        // a stop word keeps its place in a phrase, as PostgreSQL's <2> does
        assertThat(titlesFound("\"rings of saturn\"")).containsExactly("Rings of Saturn");
        assertThat(titlesFound("\"rings saturn\"")).isEmpty();
        assertThat(titlesFound("rings ")).containsExactly("Rings of Saturn", "The Lord of the Rings");
        assertThat(titlesFound("rings -tolkien")).containsExactly("Rings of Saturn");
        assertThat(titlesFound("fiction -\"science fiction\"")).containsExactly("Fictions");
        assertThat(titlesFound("-fiction")).isEmpty();
    }

    @Test
    void aSearchLooksInTheGenreAndTheDescriptionAndFoldsCaseAndAccents() {
        addDescribed("Gödel, Escher, Bach", "Douglas Hofstadter", 1979, "An eternal golden braid.");
        addDescribed("Plain", "Someone", 1979, "Nothing golden here; a STRANGE LOOP.");

        assertThat(titlesFound("GODEL")).containsExactly("Gödel, Escher, Bach");
        assertThat(titlesFound("golden ")).containsExactly("Gödel, Escher, Bach", "Plain");
        assertThat(titlesFound("strange loops ")).containsExactly("Plain");
        // this test's genre is "genre <nanos>": its words are searched too
        assertThat(titlesFound(genre)).containsExactly("Gödel, Escher, Bach", "Plain");
    }

    @Test
    void relevanceRanksTitleAboveAuthorAboveGenreAboveDescriptionThenTitleThenId() {
        var word = "zorblax" + System.nanoTime() % 100_000;
        var inDescription = addDescribed("Alpha", "Nobody", null, "Mentions " + word + " once.");
        var inTitle = addDescribed("Zeta " + word, "Nobody", null, null);
        var inAuthor = addDescribed("Beta", word + " Smith", null, null);
        var inGenre = addIn(word + " genre", "Gamma", "Nobody", null, null);
        var twinB = addDescribed("Twin", "Nobody", null, word);
        var twinA = addDescribed("Twin", "Nobody", null, word);

        var found = searchFor(Filter.NONE, word + " ", BookSort.RELEVANCE, Set.of()).books();

        var sameScore = twinA.id().value().compareTo(twinB.id().value()) < 0 ? List.of(twinA, twinB)
                : List.of(twinB, twinA);
        assertThat(found.subList(0, 3)).containsExactly(inTitle, inAuthor, inGenre);
        assertThat(found.subList(3, 6)).containsExactlyInAnyOrder(inDescription, twinA, twinB);
        // equal scores: title, then id
        assertThat(found.stream().filter(b -> b.title().equals("Twin")).toList())
                .containsExactlyElementsOf(sameScore);
    }

    @ParameterizedTest
    @EnumSource(BookSort.class)
    void everySortWorksWithASearch(BookSort sort) {
        var reader = newAccount();
        var a = addDescribed("alpha saga", "Zed", 2000, null);
        var b = addDescribed("Beta saga", "young", null, null);
        var c = addDescribed("gamma saga", "Xavier", 1990, null);
        var d = addDescribed("beta saga", "Young", 1990, null);
        addDescribed("delta", "Zed", 1980, null);
        review(a, reader, 5);
        review(c, reader, 2);
        review(d, reader, 5);

        var titles = searchFor(mine(), "saga", sort, Set.of()).books().stream().map(BookRecord::title).toList();

        var expected = switch (sort) {
            // one word, once in each title of the same length: equal scores, so title then id
            case RELEVANCE, TITLE -> List.of(a, ids(b, d).get(0), ids(b, d).get(1), c);
            case TITLE_DESC -> List.of(c, ids(b, d).get(1), ids(b, d).get(0), a);
            case YEAR -> List.of(ids(c, d).get(0), ids(c, d).get(1), a, b);
            case YEAR_DESC -> List.of(a, ids(c, d).get(1), ids(c, d).get(0), b);
            case AUTHOR -> List.of(c, ids(b, d).get(0), ids(b, d).get(1), a);
            case AUTHOR_DESC -> List.of(a, ids(b, d).get(1), ids(b, d).get(0), c);
            case CREATED -> List.of(a, b, c, d);
            case CREATED_DESC -> List.of(d, c, b, a);
            case RATING -> List.of(c, ids(a, d).get(0), ids(a, d).get(1), b);
            case RATING_DESC -> List.of(ids(a, d).get(1), ids(a, d).get(0), c, b);
        };
        assertThat(titles).containsExactlyElementsOf(expected.stream().map(BookRecord::title).toList());
    }

    @Test
    void aSearchPagesWithAnExactTotal() {
        for (int i = 0; i < 25; i++) {
            addDescribed(String.format("Chronicle %02d", i), "Author", null, null);
        }
        addDescribed("Other", "Author", null, null);

        var page = store.search(new SearchRequest(mine(), SearchText.parse("chronicle"), BookSort.TITLE, 20, 10,
                Set.of()));

        assertThat(page.total()).isEqualTo(25);
        assertThat(page.totalIsEstimate()).isFalse();
        assertThat(page.books()).extracting(BookRecord::title)
                .containsExactly("Chronicle 20", "Chronicle 21", "Chronicle 22", "Chronicle 23", "Chronicle 24");
        assertThat(store.search(new SearchRequest(mine(), SearchText.parse("chronicle"), BookSort.RELEVANCE, 0, 0,
                Set.of())).total()).isEqualTo(25);
    }

    @Test
    void eachFacetCountsUnderEveryFilterButItsOwn() {
        String author = "Facet Author " + System.nanoTime();
        String other = genre + " other";
        addDescribed("Saga one", author, 1965, null);
        addDescribed("Saga two", author, 1972, null);
        addIn(other, "Saga three", author, 1979, null);
        addIn(other, "Not it", author, 1980, null);
        addDescribed("Saga elsewhere", "Someone Else", 1966, null);
        String g = BookKeys.key(genre);
        String o = BookKeys.key(other);
        String a = BookKeys.key(author);
        var both = Set.of(Facet.GENRE, Facet.DECADE);

        var inGenre = searchFor(new Filter(a, g, null, null), "saga", BookSort.RELEVANCE, both);
        assertThat(inGenre.total()).isEqualTo(2);
        assertThat(inGenre.genres()).isEqualTo(java.util.Map.of(g, 2L, o, 1L));
        assertThat(inGenre.decades()).isEqualTo(java.util.Map.of(1960, 1L, 1970, 1L));

        var since1970 = searchFor(new Filter(a, g, 1970, null), "saga", BookSort.TITLE, both);
        assertThat(since1970.books()).extracting(BookRecord::title).containsExactly("Saga two");
        assertThat(since1970.genres()).isEqualTo(java.util.Map.of(g, 1L, o, 1L));
        assertThat(since1970.decades()).isEqualTo(java.util.Map.of(1960, 1L, 1970, 1L));

        // without a search, and without facets asked for
        var all = searchFor(new Filter(a, null, null, 1979), null, BookSort.TITLE, both);
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.genres()).isEqualTo(java.util.Map.of(g, 2L, o, 1L));
        assertThat(all.decades()).isEqualTo(java.util.Map.of(1960, 1L, 1970, 2L, 1980, 1L));
        assertThat(searchFor(new Filter(a, null, null, null), "saga", BookSort.TITLE, Set.of()).genres()).isEmpty();
    }

    @Test
    void wordsLikeCountsTheBooksThatHaveEachWordUnstemmed() {
        String word = "q" + String.format("%010d", System.nanoTime() % 10_000_000_000L);
        var first = addDescribed(word + " Runners", "Author", null, null);
        addDescribed(word + " Runners", "Author", null, null);
        addDescribed("Running " + word, "Author", null, null);

        store.delete(first.id(), first.version());

        // words of the same first letter within maxEdits of the length; deleted books do not count
        assertThat(store.wordsLike(word, 0)).containsEntry(word, 2L);
        String typo = word.substring(0, 5) + word.substring(6);
        assertThat(store.wordsLike(typo, 1)).containsEntry(word, 2L);
        assertThat(store.wordsLike(typo, 0)).doesNotContainKey(word);
        assertThat(store.wordsLike("runnerz", 0)).containsKey("runners").containsKey("running")
                .doesNotContainKey("runner").doesNotContainKey("run");
        assertThat(store.wordsLike("runnin", 1)).containsKey("running").containsKey("runners");
    }

    @Test
    void aSearchRanksTitleAboveAuthorAboveDescriptionThenByTitleAndId() {
        var inDescription = add("Harbour Tales", "Ann Other", null, genre, "A lantern in the window.");
        var inAuthor = add("Quiet Nights", "Mary Lantern", null, genre, null);
        var inTitle = add("The Lantern", "Someone Else", null, genre, null);
        var sameTitleLater = add("The Lantern", "Someone Else", null, genre, null);
        var otherTitle = add("Lantern", "Someone Else", null, genre, null);

        assertThat(ranked("lantern ")).containsExactly(otherTitle, inTitle, sameTitleLater, inAuthor, inDescription);
        // the other orders still apply to a search
        assertThat(list(mine(), SearchText.parse("lantern "), BookSort.TITLE_DESC))
                .containsExactly(sameTitleLater, inTitle, inAuthor, otherTitle, inDescription);
    }

    @Test
    void aSearchStemsEnglishWordsAndIgnoresStopWords() {
        var stories = add("Running Stories", "Ann Author", null, genre, null);
        var fiction = add("Short Fiction", "Ann Author", null, genre, null);
        var theodore = add("Theodore", "Bea Writer", null, genre, null);

        assertThat(search("story ")).containsExactly(stories);
        assertThat(search("runs ")).containsExactly(stories);
        assertThat(search("fictions ")).containsExactly(fiction);
        // a stop word is no condition; as the word being typed, it is a prefix
        assertThat(search("the short ")).containsExactly(fiction);
        assertThat(search("the")).containsExactly(theodore);
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
