package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.BookRecordUpdates;
import dev.quire.books.BookStore.Facet;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.NewBookRecord;
import dev.quire.books.BookStore.NewReviewRecord;
import dev.quire.books.BookStore.ReviewRecord;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every book store must do, run against each implementation (in memory, H2, PostgreSQL). */
abstract class BookStoreContract {
    final Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    BookStore store;
    AccountId creator;
    /** Each test's books carry this genre, so tests sharing a database see only their own. */
    String genre;
    private int created;

    abstract BookStore newStore();

    abstract AccountId newAccount();

    @BeforeEach
    void setUp() {
        store = newStore();
        creator = newAccount();
        genre = "genre " + System.nanoTime();
    }

    BookRecord add(String title, String author, Integer year, String isbn) {
        Instant at = start.plusMillis(created++);
        var id = new BookId(Ids.timeOrdered(BookId.PREFIX, at.toEpochMilli()));
        return store.insert(new NewBookRecord(id, title, author, year, genre, isbn, null, creator, at));
    }

    private static final java.util.concurrent.atomic.AtomicLong ISBNS =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() % 1_000_000_000L);

    /** A valid ISBN-13 no other test uses (tests may share one database). */
    static String uniqueIsbn() {
        String body = "978" + String.format("%09d", ISBNS.incrementAndGet() % 1_000_000_000L);
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (body.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return body + (10 - sum % 10) % 10;
    }

    Filter mine() {
        return new Filter(null, BookKeys.key(genre), null, null);
    }

    ReviewRecord review(BookRecord book, AccountId author, int rating) {
        Instant at = start.plusMillis(created++);
        return store.insertReview(new NewReviewRecord(new ReviewId(Ids.timeOrdered(ReviewId.PREFIX, at.toEpochMilli())),
                book.id(), author, "Reviewer", rating, "Fine.", at), at);
    }

    @Test
    void aBookIsFoundWithEveryField() {
        var book = add("Dune", "Frank Herbert", 1965, uniqueIsbn());

        var found = store.find(book.id()).orElseThrow();

        assertThat(found).isEqualTo(book);
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.createdBy()).isEqualTo(creator);
        assertThat(found.ratingCount()).isZero();
    }

    @Test
    void anIsbnBelongsToOneBook() {
        String isbn = uniqueIsbn();
        add("Dune", "Frank Herbert", 1965, isbn);
        var other = add("Other", "Someone", null, null);

        assertThatThrownBy(() -> add("Dune again", "Frank Herbert", 1965, isbn))
                .isInstanceOf(DuplicateIsbnException.class);
        assertThatThrownBy(() -> store.update(other, new BookRecordUpdates("Other", "Someone", null, null,
                isbn, null), start)).isInstanceOf(DuplicateIsbnException.class);
        // books without an ISBN do not collide
        add("No ISBN", "Anon", null, null);
    }

    @Test
    void anUpdateWritesOnlyOverTheVersionItRead() {
        var book = add("Draft", "Author", null, null);
        var later = start.plusSeconds(60);

        var written = store.update(book, new BookRecordUpdates("Final", "Author", 2001, "New genre", null, null), later)
                .orElseThrow();

        assertThat(written.version()).isEqualTo(2);
        assertThat(written.year()).isEqualTo(2001);
        assertThat(written.updatedAt()).isEqualTo(later);
        assertThat(store.find(book.id())).contains(written);
        assertThat(store.update(book, new BookRecordUpdates("Lost", "Author", null, null, null, null), later)).isEmpty();
        assertThat(store.delete(book.id(), 1)).isFalse();
        assertThat(store.delete(book.id(), 2)).isTrue();
        assertThat(store.find(book.id())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(BookSort.class)
    void everySortOrdersByItsValueWithMissingValuesLastAndTiesById(BookSort sort) {
        var reader = newAccount();
        var a = add("alpha", "Zed", 2000, null);
        var b = add("Beta", "young", null, null);
        var c = add("gamma", "Xavier", 1990, null);
        var d = add("beta", "Young", 1990, null);
        review(a, reader, 5);
        review(c, reader, 2);
        review(d, reader, 5);

        var titles = list(mine(), sort).stream().map(BookRecord::title).toList();

        assertThat(titles).hasSize(4);
        var expected = switch (sort) {
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

    /** The two books in id order (the tie-breaker). */
    static List<BookRecord> ids(BookRecord x, BookRecord y) {
        return x.id().value().compareTo(y.id().value()) < 0 ? List.of(x, y) : List.of(y, x);
    }

    /** Books of this test's genre that the search finds, in title order. */
    List<BookRecord> search(String text) {
        return list(new Filter(null, BookKeys.key(genre), null, null), SearchText.parse(text), BookSort.TITLE);
    }

    List<BookRecord> list(Filter filter, SearchText text, BookSort sort) {
        return store.search(new SearchRequest(filter, text, sort, 0, 10, Set.of())).books();
    }

    List<BookRecord> list(Filter filter, BookSort sort) {
        return list(filter, null, sort);
    }

    List<BookRecord> page(Filter filter, BookSort sort, long offset, int limit) {
        return store.search(new SearchRequest(filter, null, sort, offset, limit, Set.of())).books();
    }

    long count(Filter filter) {
        return store.search(new SearchRequest(filter, null, BookSort.TITLE, 0, 0, Set.of())).total();
    }

    @Test
    void filtersCombineAndIgnoreCaseAndAccents() {
        var dune = add("Dune", "Frank Herbert", 1965, null);
        var messiah = add("Dune Messiah", "Frank Herbert", 1969, null);
        var neuromancer = add("Neuromancer", "William Gibson", 1984, null);
        var godel = add("Gödel, Escher, Bach", "Douglas Hofstadter", 1979, null);
        String g = BookKeys.key(genre);

        assertThat(list(new Filter("frank herbert", g, null, null), BookSort.TITLE))
                .containsExactly(dune, messiah);
        assertThat(list(new Filter(null, g, 1966, null), BookSort.TITLE))
                .containsExactly(messiah, godel, neuromancer);
        assertThat(list(new Filter(null, g, 1965, 1969), SearchText.parse("dune"), BookSort.TITLE))
                .containsExactly(dune, messiah);
        assertThat(list(new Filter("frank", g, null, null), BookSort.TITLE)).isEmpty();
        assertThat(count(new Filter(null, g, null, 1970))).isEqualTo(2);
        assertThat(list(new Filter(null, BookKeys.key(genre.toUpperCase()), null, null),
                SearchText.parse("godel"), BookSort.TITLE)).containsExactly(godel);
    }

    @Test
    void searchWordsBeginWordsOfTheTitleOrTheAuthor() {
        var dune = add("Dune", "Frank Herbert", 1965, null);
        var messiah = add("Dune Messiah", "Frank Herbert", 1969, null);
        var neuromancer = add("Neuromancer", "William Gibson", 1984, null);
        var guide = add("The Hitchhiker's Guide to the Galaxy", "Douglas Adams", 1979, null);
        var godel = add("Gödel, Escher, Bach", "Douglas Hofstadter", 1979, null);

        assertThat(search("dune")).containsExactly(dune, messiah);
        assertThat(search("herb")).containsExactly(dune, messiah);
        assertThat(search("dune mes")).containsExactly(messiah);
        assertThat(search("gibson")).containsExactly(neuromancer);
        assertThat(search("hitchhiker's")).containsExactly(guide);
        assertThat(search("godel")).containsExactly(godel);
        assertThat(search("douglas")).containsExactly(godel, guide);
        // a word must begin a word: no match inside one, and every word must match (the last may be a prefix)
        assertThat(search("une")).isEmpty();
        assertThat(search("dune gibson")).isEmpty();
        assertThat(search("frank herbert dune").size()).isEqualTo(2);
    }

    @Test
    void theSearchIndexFollowsChangesAndDeletes() {
        var book = add("Draft title", "Some Writer", null, null);

        var renamed = store.update(book, new BookRecordUpdates("Final Words", "Other Hand", null, genre, null, null),
                start.plusSeconds(1)).orElseThrow();

        assertThat(search("draft")).isEmpty();
        assertThat(search("writer")).isEmpty();
        assertThat(search("final hand")).containsExactly(renamed);
        assertThat(store.delete(book.id(), renamed.version())).isTrue();
        assertThat(search("final")).isEmpty();
    }

    @Test
    void titlesAndAuthorsSortByTheirFoldedTextInCodePointOrderOnEveryDatabase() {
        for (String title : List.of("theodore", "~Tilde", "Zeta", "the-end", "gz", "Good Omens", "Gödel", "the road",
                "abd", "Ábc")) {
            add(title, title, null, null);
        }

        // a linguistic collation would put "~Tilde" first
        var expected = List.of("Ábc", "abd", "Gödel", "Good Omens", "gz", "the road", "the-end", "theodore", "Zeta",
                "~Tilde");
        assertThat(page(mine(), BookSort.TITLE, 0, 20)).extracting(BookRecord::title)
                .containsExactlyElementsOf(expected);
        var reversed = new ArrayList<>(expected);
        Collections.reverse(reversed);
        assertThat(page(mine(), BookSort.AUTHOR_DESC, 0, 20)).extracting(BookRecord::author)
                .containsExactlyElementsOf(reversed);
    }

    @Test
    void pagesAreSlicedWithATotal() {
        var all = new ArrayList<BookRecord>();
        for (int i = 0; i < 7; i++) {
            all.add(add(String.format("Book %02d", i), "Author", null, null));
        }

        assertThat(page(mine(), BookSort.TITLE, 3, 3)).containsExactlyElementsOf(all.subList(3, 6));
        assertThat(page(mine(), BookSort.TITLE, 6, 3)).containsExactly(all.get(6));
        assertThat(page(mine(), BookSort.TITLE, 9, 3)).isEmpty();
        assertThat(count(mine())).isEqualTo(7);
    }

    BookRecord add(String title, String author, Integer year, String bookGenre, String description) {
        Instant at = start.plusMillis(created++);
        var id = new BookId(Ids.timeOrdered(BookId.PREFIX, at.toEpochMilli()));
        return store.insert(new NewBookRecord(id, title, author, year, bookGenre, null, description, creator, at));
    }

    /** A word of letters no other test uses (tests may share one database). */
    static String uniqueWord(String start) {
        var word = new StringBuilder(start);
        long n = ISBNS.incrementAndGet() * 7919 + System.nanoTime() % 1000;
        for (int i = 0; i < 6; i++) {
            word.append((char) ('a' + n % 26));
            n /= 26;
        }
        return word.toString();
    }

    /** Books of this test's genre that the search finds, best first. */
    List<BookRecord> ranked(String text) {
        return list(mine(), SearchText.parse(text), BookSort.RELEVANCE);
    }

    @Test
    void theGenreAndTheDescriptionAreSearchedToo() {
        String word = uniqueWord("de");
        var described = add("Untitled", "Anon", null, genre, "A long " + word + " of a book.");
        var plain = add("Plain", "Anon", null, genre, null);

        assertThat(search(word)).containsExactly(described);
        // the test's genre is "genre <digits>": its number is a word of every book in it
        assertThat(search(genre.substring(6))).containsExactly(plain, described);
    }

    @Test
    void aSearchCountsItsMatchesAndItsFacetsEachIgnoringItsOwnFilter() {
        String word = uniqueWord("fa");
        String otherGenre = genre + " other";
        add(word + " one", "Anon", 1965, genre, null);
        add(word + " two", "Anon", 1969, genre, null);
        add(word + " three", "Anon", 1971, genre, null);
        add(word + " four", "Anon", 1968, otherGenre, null);
        add(word + " five", "Anon", null, null, null);
        add("Unrelated", "Anon", 1966, genre, null);
        var filter = new Filter(null, BookKeys.key(genre), 1960, 1969);

        var result = store.search(new SearchRequest(filter, SearchText.parse(word), BookSort.RELEVANCE, 0, 1,
                Set.of(Facet.GENRE, Facet.DECADE)));

        assertThat(result.books()).hasSize(1);
        assertThat(result.total()).isEqualTo(2);
        assertThat(result.totalIsEstimate()).isFalse();
        assertThat(result.genres()).isEqualTo(Map.of(BookKeys.key(genre), 2L, BookKeys.key(otherGenre), 1L));
        assertThat(result.decades()).isEqualTo(Map.of(1960, 2L, 1970, 1L));
        var none = store.search(new SearchRequest(filter, SearchText.parse(word), BookSort.RELEVANCE, 0, 1, Set.of()));
        assertThat(none.total()).isEqualTo(2);
        assertThat(none.genres()).isEmpty();
        assertThat(none.decades()).isEmpty();
        var byGenre = store.search(new SearchRequest(filter, SearchText.parse(word), BookSort.TITLE, 0, 10,
                Set.of(Facet.GENRE)));
        assertThat(byGenre.total()).isEqualTo(2);
        assertThat(byGenre.genres()).isEqualTo(result.genres());
        assertThat(byGenre.decades()).isEmpty();
        var unfiltered = store.search(new SearchRequest(Filter.NONE, SearchText.parse(word), BookSort.TITLE, 0, 10,
                Set.of(Facet.DECADE)));
        assertThat(unfiltered.total()).isEqualTo(5);
        assertThat(unfiltered.books()).hasSize(5);
        assertThat(unfiltered.genres()).isEmpty();
        assertThat(unfiltered.decades()).isEqualTo(Map.of(1960, 3L, 1970, 1L));
    }

    @Test
    void wordsLikeAWordAreTheTitleAndAuthorWordsWithItsFirstLetterAndALengthWithinTheEdits() {
        String stem = uniqueWord("w");
        String word = stem + "ab";
        String typo = stem + "ba";
        String longer = word + "xy";
        String tooLong = word + "xyz";
        add(word + " Rising", "Ann " + longer, null, genre, "No " + word + "q here.");
        add(word.toUpperCase(), "Bo Tooth", null, genre, null);
        add(tooLong, "Cy Hand", null, genre, null);
        var gone = add(word + " Again", "Di Hand", null, genre, null);
        store.delete(gone.id(), gone.version());

        var candidates = store.wordsLike(typo, 2);

        // words of the title and the author, folded, each with its number of (existing) books
        assertThat(candidates).containsEntry(word, 2L).containsEntry(longer, 1L).doesNotContainKey(tooLong)
                .doesNotContainKey(word + "q").doesNotContainKey("rising");
        assertThat(candidates.keySet()).allMatch(w -> w.startsWith("w") && Math.abs(w.length() - typo.length()) <= 2);
        assertThat(Spelling.correction(typo, candidates)).contains(word);
    }

    @Test
    void typosAreCorrectedFromTheCataloguesWords() {
        add("Dune", "Frank Herbert", 1965, genre, null);
        add("The Hobbit", "J. R. R. Tolkien", 1937, genre, null);

        assertThat(Spelling.correction("dnue", store.wordsLike("dnue", Spelling.maxEdits("dnue")))).contains("dune");
        assertThat(Spelling.correction("tolkein", store.wordsLike("tolkein", Spelling.maxEdits("tolkein"))))
                .contains("tolkien");
    }

    @Test
    void reviewsSummariseIntoTheBookAsNewVersions() {
        var book = add("Rated", "Author", null, null);
        var first = newAccount();
        var second = newAccount();

        var r1 = review(book, first, 5);
        review(book, second, 2);

        var rated = store.find(book.id()).orElseThrow();
        assertThat(rated.ratingCount()).isEqualTo(2);
        assertThat(rated.ratingSum()).isEqualTo(7);
        assertThat(rated.version()).isEqualTo(3);
        assertThat(Rating.of(rated.ratingCount(), rated.ratingSum()).average()).isEqualByComparingTo(new BigDecimal("3.50"));

        assertThat(store.deleteReview(r1, start.plusSeconds(1))).isTrue();
        var after = store.find(book.id()).orElseThrow();
        assertThat(after.ratingCount()).isEqualTo(1);
        assertThat(after.ratingSum()).isEqualTo(2);
        assertThat(after.version()).isEqualTo(4);
        assertThat(store.deleteReview(r1, start.plusSeconds(2))).isFalse();
    }

    @Test
    void oneReviewPerAuthorPerBook() {
        var book = add("Once", "Author", null, null);
        var other = add("Twice", "Author", null, null);
        var reader = newAccount();
        review(book, reader, 4);

        assertThatThrownBy(() -> review(book, reader, 1)).isInstanceOf(DuplicateReviewException.class);
        review(other, reader, 1);
        assertThat(store.find(book.id()).orElseThrow().ratingCount()).isEqualTo(1);
    }

    @Test
    void aReviewOfABookThatIsGoneIsRefused() {
        var book = add("Gone", "Author", null, null);
        store.delete(book.id(), book.version());

        assertThatThrownBy(() -> review(book, newAccount(), 3)).isInstanceOf(BookNotFoundException.class);
    }

    @Test
    void reviewsArePagedNewestFirst() {
        var book = add("Popular", "Author", null, null);
        var reviews = new ArrayList<ReviewRecord>();
        for (int i = 0; i < 5; i++) {
            reviews.add(review(book, newAccount(), 1 + i % 5));
        }

        assertThat(store.reviews(book.id(), 0, 2)).containsExactly(reviews.get(4), reviews.get(3));
        assertThat(store.reviews(book.id(), 4, 2)).containsExactly(reviews.get(0));
        assertThat(store.countReviews(book.id())).isEqualTo(5);
        assertThat(store.findReview(book.id(), reviews.get(2).id())).contains(reviews.get(2));
        assertThat(store.findReview(add("Else", "A", null, null).id(), reviews.get(2).id())).isEmpty();
    }
}
