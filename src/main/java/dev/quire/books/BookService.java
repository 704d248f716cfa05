package dev.quire.books;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.BookRecordUpdates;
import dev.quire.books.BookStore.Facet;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.NewBookRecord;
import dev.quire.books.BookStore.NewReviewRecord;
import dev.quire.books.BookStore.ReviewRecord;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.identity.Account;
import dev.quire.identity.AccountId;
import dev.quire.shared.FieldError;
import dev.quire.shared.Ids;
import dev.quire.shared.PreconditionFailedException;
import dev.quire.shared.Preconditions;
import dev.quire.shared.Text;
import dev.quire.shared.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The catalogue's rules: what a valid book and review are, who may change what (a book's creator, a review's
 * author), and that every change of a book, its reviews included, is a new version.
 */
public final class BookService {
    static final int MAX_TITLE_LENGTH = 300;
    static final int MAX_GENRE_LENGTH = 100;
    static final int MAX_REVIEW_LENGTH = 5000;
    static final int MAX_DESCRIPTION_LENGTH = 2000;
    static final int EARLIEST_YEAR = -3000;
    /** The most words a search may have. */
    static final int MAX_SEARCH_WORDS = 10;
    private static final String WHAT = "The book";

    private final BookStore store;
    private final Clock clock;

    BookService(BookStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @param search the database's search engine ({@link BookSearchEngines#open}) */
    public static BookService withJdbc(Jdbc jdbc, Outbox events, BookSearchEngine search) {
        return new BookService(new JdbcBookStore(jdbc, events, search), Clock.systemUTC());
    }

    /**
     * @throws ValidationException naming each invalid field
     * @throws DuplicateIsbnException when another book has the ISBN
     */
    public Book create(AccountId creator, BookInput input) {
        var content = content(input);
        Instant now = now();
        var id = new BookId(Ids.timeOrdered(BookId.PREFIX, now.toEpochMilli()));
        return book(store.insert(new NewBookRecord(id, content.title(), content.author(), content.year(),
                content.genre(), content.isbn(), content.description(), creator, now)));
    }

    /** @throws BookNotFoundException for an unknown or malformed id */
    public Book get(String id) {
        return book(find(id));
    }

    /**
     * A numbered page of the books that match, with the counts the query asks for; a page past the end is empty,
     * with the right total. A search with nothing to look for (only punctuation, say, or only exclusions) matches no
     * book. When a search finds nothing, each of its words that is not a word of the catalogue is replaced by the
     * closest one that is ({@link Spelling}); if that search finds books, they are the answer and the corrected
     * search is its {@code didYouMean}.
     */
    public SearchPage list(BookQuery query) {
        var text = query.search() == null ? null : SearchText.parse(query.search());
        var filter = new Filter(key(query.author()), query.genre() == null ? null : query.genre().key(),
                query.yearMin(), query.yearMax());
        long offset = (long) (query.page() - 1) * query.perPage();
        if (text != null && text.isEmpty()) {
            return page(query, new SearchResult(List.of(), 0, false, Map.of(), Map.of()), null);
        }
        var result = store.search(new SearchRequest(filter, text, query.sort(), offset, query.perPage(),
                query.facets()));
        if (result.total() == 0 && text != null) {
            var corrected = text.corrected(this::correction);
            if (!corrected.clauses().equals(text.clauses())) {
                var second = store.search(new SearchRequest(filter, corrected, query.sort(), offset, query.perPage(),
                        query.facets()));
                if (second.total() > 0) {
                    return page(query, second, corrected.raw());
                }
            }
        }
        return page(query, result, null);
    }

    /** Every genre with the number of books in it. */
    public List<GenreCount> genres() {
        var counts = store.search(new SearchRequest(Filter.NONE, null, BookSort.TITLE, 0, 0, Set.of(Facet.GENRE)))
                .genres();
        return Genres.all().stream()
                .map(genre -> new GenreCount(genre, counts.getOrDefault(genre.key(), 0L)))
                .toList();
    }

    private String correction(String word) {
        int maxEdits = Spelling.maxEdits(word);
        return maxEdits == 0 ? word : Spelling.correction(word, store.wordsLike(word, maxEdits)).orElse(word);
    }

    private static SearchPage page(BookQuery query, SearchResult result, String didYouMean) {
        var books = result.books().stream().map(BookService::book).toList();
        var genres = result.genres().entrySet().stream()
                .flatMap(entry -> Genres.byKey(entry.getKey()).map(g -> new GenreCount(g, entry.getValue())).stream())
                .sorted(Comparator.comparingLong(GenreCount::count).reversed()
                        .thenComparing(count -> count.genre().key()))
                .toList();
        var decades = result.decades().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> new DecadeCount(entry.getKey(), entry.getValue())).toList();
        return new SearchPage(new Page<>(books, query.page(), query.perPage(), result.total()),
                result.totalIsEstimate(), didYouMean, query.facets().contains(Facet.GENRE) ? genres : null,
                query.facets().contains(Facet.DECADE) ? decades : null);
    }

    /**
     * Adds each book of the demo catalogue that is not there yet (all of them, the first time).
     *
     * @return how many were added
     */
    public int addDemoCatalogue() {
        int added = 0;
        for (var book : DemoCatalogue.books()) {
            if (store.find(book.id()).isEmpty()) {
                try {
                    store.insert(book);
                    added++;
                } catch (DuplicateIsbnException e) {
                    // its id or ISBN is taken: by another instance adding the catalogue at the same time, or by an
                    // account that added the same book (same ISBN), which the catalogue then keeps once
                }
            }
        }
        return added;
    }

    /**
     * Replaces every field of the book: a field left out is removed (title and author are required). The content
     * is read only once the caller may write and the preconditions hold, so its faults are reported after those.
     *
     * @throws BookNotFoundException for an unknown or malformed id
     * @throws NotYoursException when the caller did not add the book
     * @throws PreconditionFailedException when the book's version fails the request's preconditions
     * @throws ValidationException naming each invalid field
     */
    public Book replace(AccountId caller, String id, Preconditions preconditions, Supplier<BookInput> content) {
        var current = writable(caller, id, preconditions);
        return write(current, preconditions, content(content.get()));
    }

    /**
     * Changes the fields the patch sets; like {@link #replace}, reads the patch only once the caller may write.
     *
     * @throws BookNotFoundException for an unknown or malformed id
     * @throws NotYoursException when the caller did not add the book
     * @throws PreconditionFailedException when the book's version fails the request's preconditions
     * @throws ValidationException naming each invalid field
     */
    public Book patch(AccountId caller, String id, Preconditions preconditions, Supplier<BookPatch> content) {
        var current = writable(caller, id, preconditions);
        var patch = content.get();
        var merged = new BookInput(
                patch.title() != null ? patch.title() : current.title(),
                patch.author() != null ? patch.author() : current.author(),
                patch.year() != null ? patch.year().value() : current.year() == null ? null : current.year().longValue(),
                patch.genre() != null ? patch.genre().value() : current.genre(),
                patch.isbn() != null ? patch.isbn().value() : current.isbn(),
                patch.description() != null ? patch.description().value() : current.description());
        return write(current, preconditions, content(merged));
    }

    /**
     * @throws BookNotFoundException for an unknown or malformed id
     * @throws NotYoursException when the caller did not add the book
     * @throws PreconditionFailedException when the book's version fails the request's preconditions
     */
    public void delete(AccountId caller, String id, Preconditions preconditions) {
        var current = writable(caller, id, preconditions);
        if (!store.delete(current.id(), current.version())) {
            throw preconditions.lostRace(WHAT);
        }
    }

    /**
     * Adds the reviewer's review of a book; the book's rating and version change with it.
     *
     * @throws BookNotFoundException for an unknown or malformed book id
     * @throws ValidationException naming each invalid field
     * @throws DuplicateReviewException when the reviewer has already reviewed the book
     */
    public Review addReview(Account reviewer, String bookId, ReviewInput input) {
        var book = find(bookId);
        var errors = new ArrayList<FieldError>();
        if (input.rating() == null) {
            errors.add(new FieldError("rating", "is required"));
        } else if (input.rating() < 1 || input.rating() > 5) {
            errors.add(new FieldError("rating", "must be a whole number from 1 to 5"));
        }
        String text = input.text() == null || Text.isBlank(input.text()) ? null : Text.strip(input.text());
        if (text != null && Text.length(text) > MAX_REVIEW_LENGTH) {
            errors.add(new FieldError("text", "must be at most " + MAX_REVIEW_LENGTH + " characters"));
        } else if (text != null && Text.isUnsafe(text, true)) {
            errors.add(new FieldError("text", "must not contain control characters other than line breaks and tabs"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        Instant now = now();
        var id = new ReviewId(Ids.timeOrdered(ReviewId.PREFIX, now.toEpochMilli()));
        return review(store.insertReview(new NewReviewRecord(id, book.id(), reviewer.id(), reviewer.displayName(),
                input.rating(), text, now), now));
    }

    /** @throws BookNotFoundException for an unknown or malformed book id */
    public Page<Review> reviews(String bookId, int page, int perPage) {
        var book = find(bookId);
        long offset = (long) (page - 1) * perPage;
        var reviews = store.reviews(book.id(), offset, perPage).stream().map(BookService::review).toList();
        return new Page<>(reviews, page, perPage, store.countReviews(book.id()));
    }

    /** @throws ReviewNotFoundException when the book has no such review (or there is no such book) */
    public Review review(String bookId, String reviewId) {
        return review(findReview(bookId, reviewId));
    }

    /**
     * Deletes a review; the book's rating and version change with it.
     *
     * @throws ReviewNotFoundException when the book has no such review (or there is no such book)
     * @throws NotYoursException when the caller did not write the review
     */
    public void deleteReview(AccountId caller, String bookId, String reviewId) {
        var review = findReview(bookId, reviewId);
        if (!review.authorId().equals(caller)) {
            throw new NotYoursException("Only the account that wrote this review may delete it.");
        }
        if (!store.deleteReview(review, now())) {
            throw new ReviewNotFoundException();
        }
    }

    /**
     * The book a write is about, once the caller is known to own it and the request's preconditions hold; both are
     * checked before the request's content, as RFC 9110 asks.
     */
    private BookRecord writable(AccountId caller, String id, Preconditions preconditions) {
        var current = find(id);
        if (current.createdBy() == null || !current.createdBy().equals(caller)) {
            throw new NotYoursException(current.createdBy() == null
                    ? "This book is part of the demo catalogue, which belongs to no account: it cannot be changed."
                    : "Only the account that added this book may change or delete it.");
        }
        preconditions.checkWrite(current.version(), WHAT);
        return current;
    }

    /** Writes over exactly the version read; a writer that lost the race changed nothing. */
    private Book write(BookRecord current, Preconditions preconditions, BookRecordUpdates content) {
        if (content.equals(new BookRecordUpdates(current.title(), current.author(), current.year(), current.genre(),
                current.isbn(), current.description()))) {
            return book(current);
        }
        return book(store.update(current, content, now()).orElseThrow(() -> preconditions.lostRace(WHAT)));
    }

    private BookRecord find(String id) {
        return BookId.parse(id).flatMap(store::find).orElseThrow(BookNotFoundException::new);
    }

    private ReviewRecord findReview(String bookId, String reviewId) {
        var book = BookId.parse(bookId);
        var review = ReviewId.parse(reviewId);
        if (book.isEmpty() || review.isEmpty()) {
            throw new ReviewNotFoundException();
        }
        return store.findReview(book.get(), review.get()).orElseThrow(ReviewNotFoundException::new);
    }

    /** Checks every field and returns the values to store, or names every broken rule. */
    private BookRecordUpdates content(BookInput input) {
        var errors = new ArrayList<FieldError>();
        String title = requiredText("title", input.title(), MAX_TITLE_LENGTH, errors);
        String author = requiredText("author", input.author(), MAX_TITLE_LENGTH, errors);
        int latestYear = clock.instant().atZone(ZoneOffset.UTC).getYear() + 1;
        if (input.year() != null && (input.year() < EARLIEST_YEAR || input.year() > latestYear)) {
            errors.add(new FieldError("year", "must be a whole number from " + EARLIEST_YEAR + " to " + latestYear));
        }
        String genre = input.genre() == null ? null : genre(input.genre(), errors);
        String isbn = null;
        if (input.isbn() != null) {
            var normalized = Isbn.normalize(input.isbn());
            if (normalized.isEmpty()) {
                errors.add(new FieldError("isbn", "must be a valid ISBN-10 or ISBN-13 (its check digit must match)"));
            }
            isbn = normalized.orElse(null);
        }
        String description = null;
        if (input.description() != null && !Text.isBlank(input.description())) {
            description = Text.strip(input.description());
            if (Text.length(description) > MAX_DESCRIPTION_LENGTH) {
                errors.add(new FieldError("description", "must be at most " + MAX_DESCRIPTION_LENGTH + " characters"));
            } else if (Text.isUnsafe(description, true)) {
                errors.add(new FieldError("description",
                        "must not contain control characters other than line breaks and tabs"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return new BookRecordUpdates(title, author, input.year() == null ? null : input.year().intValue(), genre, isbn,
                description);
    }

    /** The name of the listed genre the text names (by slug, name or alias), or an error naming the slugs. */
    private static String genre(String raw, List<FieldError> errors) {
        String text = requiredText("genre", raw, MAX_GENRE_LENGTH, errors);
        if (text == null || text.isEmpty() || errors.stream().anyMatch(e -> e.field().equals("genre"))) {
            return text;
        }
        var genre = Genres.find(text);
        if (genre.isEmpty()) {
            errors.add(new FieldError("genre", "must be one of the genres at /api/genres (by slug, name or alias): "
                    + Genres.slugs()));
            return text;
        }
        return genre.get().name();
    }

    private static String requiredText(String field, String raw, int maxLength, List<FieldError> errors) {
        if (raw == null) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        String text = Text.strip(raw);
        if (text.isEmpty()) {
            errors.add(new FieldError(field, "must not be blank"));
        } else if (Text.length(text) > maxLength) {
            errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
        } else if (Text.isUnsafe(text, false)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return text;
    }

    private static String key(String text) {
        return text == null ? null : BookKeys.key(text);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Book book(BookRecord record) {
        var rating = Rating.of(record.ratingCount(), record.ratingSum());
        return new Book(record.id(), record.title(), record.author(), record.year(), record.genre(), record.isbn(),
                record.description(), record.createdBy(), record.createdAt(), record.updatedAt(), record.version(), rating);
    }

    private static Review review(ReviewRecord record) {
        return new Review(record.id(), record.bookId(), record.authorId(), record.authorName(), record.rating(),
                record.text(), record.createdAt());
    }
}
