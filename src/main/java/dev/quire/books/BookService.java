package dev.quire.books;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.BookRecordUpdates;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.NewBookRecord;
import dev.quire.books.BookStore.NewReviewRecord;
import dev.quire.books.BookStore.ReviewRecord;
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
import java.util.List;
import java.util.function.Supplier;

/**
 * The catalogue's rules: what a valid book and review are, who may change what (a book's creator, a review's
 * author), and that every change of a book, its reviews included, is a new version.
 */
public final class BookService {
    static final int MAX_TITLE_LENGTH = 300;
    static final int MAX_GENRE_LENGTH = 100;
    static final int MAX_REVIEW_LENGTH = 5000;
    static final int EARLIEST_YEAR = -3000;
    /** The most words a search may have; each one is a condition on the word index. */
    static final int MAX_SEARCH_WORDS = 10;
    private static final String WHAT = "The book";

    private final BookStore store;
    private final Clock clock;

    BookService(BookStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static BookService withJdbc(Jdbc jdbc, Outbox events) {
        return new BookService(new JdbcBookStore(jdbc, events), Clock.systemUTC());
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
                content.genre(), content.isbn(), creator, now)));
    }

    /** @throws BookNotFoundException for an unknown or malformed id */
    public Book get(String id) {
        return book(find(id));
    }

    /**
     * A numbered page of the books that match; a page past the end is empty, with the right total. A search with
     * no words in it (only punctuation, say) matches no book.
     */
    public Page<Book> list(BookQuery query) {
        List<String> words = query.search() == null ? List.of() : BookKeys.words(query.search());
        if (query.search() != null && words.isEmpty()) {
            return new Page<>(List.of(), query.page(), query.perPage(), 0);
        }
        var filter = new Filter(key(query.author()), key(query.genre()), query.yearMin(), query.yearMax(), words);
        long offset = (long) (query.page() - 1) * query.perPage();
        var books = store.list(filter, query.sort(), offset, query.perPage()).stream().map(BookService::book).toList();
        return new Page<>(books, query.page(), query.perPage(), store.count(filter));
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
                    // demo books have no ISBN: their id is taken, by another instance starting at the same time
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
                patch.isbn() != null ? patch.isbn().value() : current.isbn());
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
                current.isbn()))) {
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
        String genre = input.genre() == null ? null : requiredText("genre", input.genre(), MAX_GENRE_LENGTH, errors);
        String isbn = null;
        if (input.isbn() != null) {
            var normalized = Isbn.normalize(input.isbn());
            if (normalized.isEmpty()) {
                errors.add(new FieldError("isbn", "must be a valid ISBN-10 or ISBN-13 (its check digit must match)"));
            }
            isbn = normalized.orElse(null);
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return new BookRecordUpdates(title, author, input.year() == null ? null : input.year().intValue(), genre, isbn);
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
                record.createdBy(), record.createdAt(), record.updatedAt(), record.version(), rating);
    }

    private static Review review(ReviewRecord record) {
        return new Review(record.id(), record.bookId(), record.authorId(), record.authorName(), record.rating(),
                record.text(), record.createdAt());
    }
}
