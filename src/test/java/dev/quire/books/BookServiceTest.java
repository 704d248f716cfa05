package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.quire.identity.Account;
import dev.quire.identity.AccountId;
import dev.quire.shared.Change;
import dev.quire.shared.FieldError;
import dev.quire.shared.Ids;
import dev.quire.shared.PreconditionFailedException;
import dev.quire.shared.Preconditions;
import dev.quire.shared.ValidationException;
import dev.quire.support.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The catalogue's rules, on the real service with an in-memory store and a clock the tests move. */
class BookServiceTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final Account ada = new Account(new AccountId(Ids.timeOrdered("acct", 1)), "ada@example.com", "Ada", clock.instant());
    final Account grace = new Account(new AccountId(Ids.timeOrdered("acct", 2)), "grace@example.com", "Grace",
            clock.instant());
    InMemoryBookStore store;
    BookService books;

    @BeforeEach
    void createService() {
        store = new InMemoryBookStore();
        books = new BookService(store, clock);
    }

    Book add(String title) {
        clock.advance(Duration.ofMillis(1));
        return books.create(ada.id(), new BookInput(title, "Some Author", 2001L, null, null, null));
    }

    Book addBook(String title, String author, String genre) {
        return addBook(title, author, genre, 2001L);
    }

    Book addBook(String title, String author, String genre, Long year) {
        clock.advance(Duration.ofMillis(1));
        return books.create(ada.id(), new BookInput(title, author, year, genre, null, null));
    }

    static BookQuery query(String search, BookSort sort, int page, int perPage) {
        return new BookQuery(null, null, null, null, search, sort, page, perPage, Set.of());
    }

    static List<FieldError> errorsOf(Runnable action) {
        return catchThrowableOfType(ValidationException.class, action::run).errors();
    }

    @Nested
    class Adding {
        @Test
        void aBookIsTrimmedOwnedByItsCreatorAndUnrated() {
            var book = books.create(ada.id(), new BookInput("  Dune ", " Frank Herbert ", 1965L, " Science fiction ",
                    "0-441-17271-7", null));

            assertThat(book.id().value()).startsWith("book_");
            assertThat(book.title()).isEqualTo("Dune");
            assertThat(book.author()).isEqualTo("Frank Herbert");
            assertThat(book.genre()).isEqualTo("Science fiction");
            assertThat(book.isbn()).isEqualTo("9780441172719");
            assertThat(book.createdBy()).isEqualTo(ada.id());
            assertThat(book.version()).isEqualTo(1);
            assertThat(book.rating()).isEqualTo(new Rating(null, 0));
        }

        @Test
        void titleAndAuthorAreRequiredAndEveryBrokenRuleIsNamed() {
            assertThat(errorsOf(() -> books.create(ada.id(), new BookInput(null, "  ", 99999L, " ", "123", null))))
                    .extracting(FieldError::field).containsExactlyInAnyOrder("title", "author", "year", "genre", "isbn");
        }

        @Test
        void titlesAndAuthorsHaveAtMost300Characters() {
            books.create(ada.id(), new BookInput("t".repeat(300), "a".repeat(300), null, null, null, null));
            assertThat(errorsOf(() -> books.create(ada.id(), new BookInput("t".repeat(301), "a".repeat(301), null,
                    null, null, null)))).extracting(FieldError::field).containsExactly("title", "author");
        }

        @Test
        void theYearRunsFrom3000BcToNextYear() {
            books.create(ada.id(), new BookInput("Gilgamesh", "Unknown", -3000L, null, null, null));
            books.create(ada.id(), new BookInput("Forthcoming", "Someone", 2027L, null, null, null));

            for (long year : List.of(-3001L, 2028L, Long.MAX_VALUE)) {
                assertThat(errorsOf(() -> books.create(ada.id(), new BookInput("X", "Y", year, null, null, null))))
                        .as("year " + year).extracting(FieldError::field).containsExactly("year");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"Science fiction", "science-fiction", "SCIENCE FICTION", "sci-fi", "Sci_Fi", "SF",
            " scifi "})
        void aGenreIsNamedByItsSlugNameOrAliasAndStoredAsItsName(String genre) {
            var book = books.create(ada.id(), new BookInput("Dune", "Frank Herbert", null, genre, null, null));

            assertThat(book.genre()).isEqualTo("Science fiction");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Fixture", "fiction", "sci fi fi", "Science fiction 2"})
        void aGenreNotOnTheListIsRefusedNamingTheSlugs(String genre) {
            var errors = errorsOf(() -> books.create(ada.id(), new BookInput("X", "Y", null, genre, null, null)));

            assertThat(errors).extracting(FieldError::field).containsExactly("genre");
            assertThat(errors.get(0).message()).contains("/api/genres", "science-fiction", "essays", "young-adult");
        }

        @Test
        void aDescriptionIsOptionalTrimmedKeepsLineBreaksAndHasAtMost2000Characters() {
            var described = books.create(ada.id(), new BookInput("Dune", "Frank Herbert", null, null, null,
                    "  A desert planet.\nSpice, and a\tboy.  "));
            var blank = books.create(ada.id(), new BookInput("Emma", "Jane Austen", null, null, null, "   "));
            books.create(ada.id(), new BookInput("Long", "Writer", null, null, null, "d".repeat(2000)));

            assertThat(described.description()).isEqualTo("A desert planet.\nSpice, and a\tboy.");
            assertThat(blank.description()).isNull();
            assertThat(errorsOf(() -> books.create(ada.id(), new BookInput("Longer", "Writer", null, null, null,
                    "d".repeat(2001))))).extracting(FieldError::field).containsExactly("description");
            for (String unsafe : List.of("be\u0007ll", "nul\u0000", "esc\u001b[31m", "del\u007f")) {
                assertThat(errorsOf(() -> books.create(ada.id(), new BookInput("Bad", "Writer", null, null, null,
                        unsafe)))).as(unsafe).extracting(FieldError::field).containsExactly("description");
            }
        }

        @Test
        void anIsbnIsUniqueWhicheverOfItsTwoFormsIsGiven() {
            books.create(ada.id(), new BookInput("Dune", "Frank Herbert", null, null, "9780441172719", null));

            assertThatThrownBy(() -> books.create(grace.id(), new BookInput("Dune", "F. Herbert", null, null,
                    "0441172717", null))).isInstanceOf(DuplicateIsbnException.class);
        }
    }

    @Nested
    class Listing {
        @Test
        void pagesCarryTheTotalAndAPagePastTheEndIsEmpty() {
            for (int i = 0; i < 5; i++) {
                add("Book " + i);
            }

            var second = books.list(query(null, BookSort.TITLE, 2, 2)).page();
            var past = books.list(query(null, BookSort.TITLE, 9, 2)).page();

            assertThat(second.items()).extracting(Book::title).containsExactly("Book 2", "Book 3");
            assertThat(second.total()).isEqualTo(5);
            assertThat(second.totalPages()).isEqualTo(3);
            assertThat(past.items()).isEmpty();
            assertThat(past.total()).isEqualTo(5);
        }

        @Test
        void aSearchThatFindsBooksIsAnsweredAsWrittenWithoutACorrection() {
            addBook("Dune", "Frank Herbert", "Science fiction");
            addBook("Dunes of Mars", "Some Author", null);

            var found = books.list(query("dune", BookSort.RELEVANCE, 1, 20));

            assertThat(found.page().items()).extracting(Book::title).contains("Dune");
            assertThat(found.didYouMean()).isNull();
            assertThat(found.totalIsEstimate()).isFalse();
        }

        @Test
        void aSearchThatFindsNothingIsCorrectedToTheCataloguesClosestWords() {
            addBook("Dune", "Frank Herbert", "Science fiction");
            addBook("The Hobbit", "J. R. R. Tolkien", "Fantasy");
            addBook("The Silmarillion", "J. R. R. Tolkien", "Fantasy");

            var dune = books.list(query("dnue", BookSort.RELEVANCE, 1, 20));
            var tolkien = books.list(query("tolkein ", BookSort.RELEVANCE, 1, 20));

            assertThat(dune.page().items()).extracting(Book::title).containsExactly("Dune");
            assertThat(dune.didYouMean()).isEqualTo("dune");
            assertThat(tolkien.page().items()).extracting(Book::title).containsExactly("The Hobbit", "The Silmarillion");
            assertThat(tolkien.page().total()).isEqualTo(2);
            assertThat(tolkien.didYouMean()).isEqualTo("tolkien");
        }

        @Test
        void aCorrectionKeepsExclusionsAndPhrasesAndIsOnlyOfferedWhenItFindsBooks() {
            addBook("Dune", "Frank Herbert", "Science fiction");
            addBook("Dune Messiah", "Frank Herbert", "Science fiction");

            var corrected = books.list(query("dnue -messiah", BookSort.RELEVANCE, 1, 20));
            var hopeless = books.list(query("zzyzx", BookSort.RELEVANCE, 1, 20));
            var shortWord = books.list(query("dx ", BookSort.RELEVANCE, 1, 20));

            assertThat(corrected.page().items()).extracting(Book::title).containsExactly("Dune");
            assertThat(corrected.didYouMean()).isEqualTo("dune -messiah");
            assertThat(hopeless.page().items()).isEmpty();
            assertThat(hopeless.didYouMean()).isNull();
            // two letters are too few to guess at
            assertThat(shortWord.page().items()).isEmpty();
            assertThat(shortWord.didYouMean()).isNull();
        }

        @Test
        void aSearchWithNothingToLookForFindsNothing() {
            addBook("Dune", "Frank Herbert", null);

            for (String text : List.of("!!!", "-dune", "\"\"")) {
                var found = books.list(query(text, BookSort.RELEVANCE, 1, 20));
                assertThat(found.page().items()).as(text).isEmpty();
                assertThat(found.page().total()).as(text).isZero();
                assertThat(found.didYouMean()).as(text).isNull();
            }
        }

        @Test
        void facetsAreCountedOnlyWhenAskedForEachIgnoringItsOwnFilter() {
            addBook("Dune", "Frank Herbert", "Science fiction", 1965L);
            addBook("Dune Messiah", "Frank Herbert", "Science fiction", 1969L);
            addBook("Children of Dune", "Frank Herbert", "sci-fi", 1976L);
            addBook("The Dune Diaries", "Someone", "Memoir", 1961L);
            addBook("Unrelated", "Someone", "Memoir", 1999L);

            var plain = books.list(query("dune", BookSort.RELEVANCE, 1, 20));
            var both = books.list(new BookQuery(null, Genres.find("science-fiction").orElseThrow(), null, 1969, "dune",
                    BookSort.RELEVANCE, 1, 20, Set.of(BookStore.Facet.GENRE, BookStore.Facet.DECADE)));

            assertThat(plain.genres()).isNull();
            assertThat(plain.decades()).isNull();
            assertThat(both.page().items()).extracting(Book::title).containsExactly("Dune", "Dune Messiah");
            // the genre facet ignores the genre filter, the decade facet ignores the years
            assertThat(both.genres()).extracting(count -> count.genre().slug() + "=" + count.count())
                    .containsExactly("science-fiction=2", "memoir=1");
            assertThat(both.decades()).extracting(count -> count.decade() + "=" + count.count())
                    .containsExactly("1960=2", "1970=1");
        }

        @Test
        void everyGenreIsListedWithItsNumberOfBooks() {
            addBook("Dune", "Frank Herbert", "Science fiction");
            addBook("Neuromancer", "William Gibson", "SCI-FI");
            addBook("Essays in Love", "Alain de Botton", "essay");

            var genres = books.genres();

            assertThat(genres).hasSameSizeAs(Genres.all());
            assertThat(genres).filteredOn(count -> count.genre().slug().equals("science-fiction"))
                    .extracting(GenreCount::count).containsExactly(2L);
            assertThat(genres).filteredOn(count -> count.genre().slug().equals("essays"))
                    .extracting(GenreCount::count).containsExactly(1L);
            assertThat(genres).filteredOn(count -> count.genre().slug().equals("horror"))
                    .extracting(GenreCount::count).containsExactly(0L);
        }
    }

    @Nested
    class Changing {
        Book book;

        @BeforeEach
        void aBook() {
            book = books.create(ada.id(), new BookInput("Draft", "Ada", 1843L, "Essays", "0441172717", null));
            clock.advance(Duration.ofSeconds(5));
        }

        @Test
        void onlyTheCreatorChangesOrDeletesABook() {
            assertThatThrownBy(() -> books.patch(grace.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookPatch("Mine now", null, null, null, null, null))).isInstanceOf(NotYoursException.class);
            assertThatThrownBy(() -> books.replace(grace.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookInput("Mine now", "Grace", null, null, null, null))).isInstanceOf(NotYoursException.class);
            assertThatThrownBy(() -> books.delete(grace.id(), book.id().value(), Preconditions.NONE))
                    .isInstanceOf(NotYoursException.class);
            assertThat(books.get(book.id().value())).isEqualTo(book);
        }

        @Test
        void aPatchChangesWhatItNamesAndRemovesWhatItSetsToNull() {
            var patched = books.patch(ada.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookPatch("Final", null, new Change<>(null), null, new Change<>(null), null));

            assertThat(patched.title()).isEqualTo("Final");
            assertThat(patched.author()).isEqualTo("Ada");
            assertThat(patched.year()).isNull();
            assertThat(patched.genre()).isEqualTo("Essays");
            assertThat(patched.isbn()).isNull();
            assertThat(patched.version()).isEqualTo(2);
            assertThat(patched.updatedAt()).isEqualTo(clock.instant());
        }

        @Test
        void aPatchSetsChangesAndRemovesTheDescription() {
            var described = books.patch(ada.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookPatch(null, null, null, null, null, new Change<>("Notes on an engine.")));
            var unchanged = books.patch(ada.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookPatch("Draft 2", null, null, null, null, null));
            var removed = books.patch(ada.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookPatch(null, null, null, null, null, new Change<>(null)));

            assertThat(described.description()).isEqualTo("Notes on an engine.");
            assertThat(unchanged.description()).isEqualTo("Notes on an engine.");
            assertThat(removed.description()).isNull();
            assertThat(removed.version()).isEqualTo(4);
            assertThat(errorsOf(() -> books.patch(ada.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookPatch(null, null, null, new Change<>("Fixture"), null, null))))
                    .extracting(FieldError::field).containsExactly("genre");
        }

        @Test
        void aReplacementRemovesWhatItLeavesOut() {
            var replaced = books.replace(ada.id(), book.id().value(), Preconditions.NONE,
                    () -> new BookInput("Replaced", "Ada Lovelace", null, null, null, null));

            assertThat(replaced.year()).isNull();
            assertThat(replaced.genre()).isNull();
            assertThat(replaced.isbn()).isNull();
        }

        @Test
        void aStaleVersionChangesNothingAndIsCheckedBeforeTheContent() {
            var stale = new Preconditions(Set.of(7L), Set.of(), false);

            assertThatThrownBy(() -> books.patch(ada.id(), book.id().value(), stale,
                    () -> new BookPatch(" ", null, null, null, null, null))).isInstanceOf(PreconditionFailedException.class);
            assertThatThrownBy(() -> books.delete(ada.id(), book.id().value(), stale))
                    .isInstanceOf(PreconditionFailedException.class);
            assertThat(books.get(book.id().value())).isEqualTo(book);
        }

        @Test
        void theCreatorIsCheckedBeforeTheVersion() {
            assertThatThrownBy(() -> books.delete(grace.id(), book.id().value(), new Preconditions(Set.of(7L), Set.of(),
                    false))).isInstanceOf(NotYoursException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "book_", "abc", "book_99999999999999999999999999"})
        void unknownBooksAreNotFound(String id) {
            assertThatThrownBy(() -> books.get(id)).isInstanceOf(BookNotFoundException.class);
            assertThatThrownBy(() -> books.delete(ada.id(), id, Preconditions.NONE))
                    .isInstanceOf(BookNotFoundException.class);
        }
    }

    @Nested
    class Reviewing {
        Book book;

        @BeforeEach
        void aBook() {
            book = add("Reviewed");
        }

        @Test
        void reviewsChangeTheRatingAndTheVersion() {
            var first = books.addReview(grace, book.id().value(), new ReviewInput(5, "  Loved it.  "));
            books.addReview(ada, book.id().value(), new ReviewInput(2, null));

            var rated = books.get(book.id().value());
            assertThat(first.text()).isEqualTo("Loved it.");
            assertThat(first.authorName()).isEqualTo("Grace");
            assertThat(rated.rating().count()).isEqualTo(2);
            assertThat(rated.rating().average()).isEqualByComparingTo(new BigDecimal("3.50"));
            assertThat(rated.version()).isEqualTo(3);

            books.deleteReview(grace.id(), book.id().value(), first.id().value());

            var after = books.get(book.id().value());
            assertThat(after.rating().count()).isEqualTo(1);
            assertThat(after.rating().average()).isEqualByComparingTo(new BigDecimal("2.00"));
            assertThat(after.version()).isEqualTo(4);
        }

        @Test
        void theRatingIsAWholeNumberFromOneToFiveAndTheTextAtMost5000Characters() {
            for (Integer rating : new Integer[] {null, 0, 6, -1}) {
                assertThat(errorsOf(() -> books.addReview(grace, book.id().value(), new ReviewInput(rating, null))))
                        .extracting(FieldError::field).containsExactly("rating");
            }
            assertThat(errorsOf(() -> books.addReview(grace, book.id().value(), new ReviewInput(3, "x".repeat(5001)))))
                    .extracting(FieldError::field).containsExactly("text");
            assertThat(errorsOf(() -> books.addReview(grace, book.id().value(), new ReviewInput(3, "be\u0007ll"))))
                    .extracting(FieldError::field).containsExactly("text");
            books.addReview(grace, book.id().value(), new ReviewInput(3, "Line one\nLine two\twith a tab"));
        }

        @Test
        void oneReviewPerAccountPerBook() {
            books.addReview(grace, book.id().value(), new ReviewInput(4, null));

            assertThatThrownBy(() -> books.addReview(grace, book.id().value(), new ReviewInput(1, null)))
                    .isInstanceOf(DuplicateReviewException.class);
        }

        @Test
        void onlyItsAuthorDeletesAReview() {
            var review = books.addReview(grace, book.id().value(), new ReviewInput(4, null));

            assertThatThrownBy(() -> books.deleteReview(ada.id(), book.id().value(), review.id().value()))
                    .isInstanceOf(NotYoursException.class);
            assertThat(books.review(book.id().value(), review.id().value())).isEqualTo(review);
        }

        @Test
        void aReviewIsFoundOnlyUnderItsOwnBook() {
            var review = books.addReview(grace, book.id().value(), new ReviewInput(4, null));
            var other = add("Other");

            assertThatThrownBy(() -> books.review(other.id().value(), review.id().value()))
                    .isInstanceOf(ReviewNotFoundException.class);
            assertThatThrownBy(() -> books.deleteReview(grace.id(), other.id().value(), review.id().value()))
                    .isInstanceOf(ReviewNotFoundException.class);
        }
    }
}
