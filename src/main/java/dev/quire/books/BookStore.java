package dev.quire.books;

import dev.quire.identity.AccountId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where books and reviews are kept. Filtering, sorting, counting and paging happen here, in the database. */
interface BookStore {

    record NewBookRecord(BookId id, String title, String author, Integer year, String genre, String isbn,
                         AccountId createdBy, Instant createdAt) {}

    record BookRecord(BookId id, String title, String author, Integer year, String genre, String isbn,
                      AccountId createdBy, Instant createdAt, Instant updatedAt, long version, int ratingCount,
                      int ratingSum) {}

    /** Full new values; the service merges a patch before it writes. */
    record BookRecordUpdates(String title, String author, Integer year, String genre, String isbn) {}

    /**
     * {@code author} and {@code genre} are keys ({@link BookKeys#key}) to match exactly; each of {@code words}
     * ({@link BookKeys#words}) must begin a word of the title or the author; null and empty mean no such filter.
     */
    record Filter(String author, String genre, Integer yearMin, Integer yearMax, List<String> words) {}

    record NewReviewRecord(ReviewId id, BookId bookId, AccountId authorId, String authorName, int rating,
                           String text, Instant createdAt) {}

    record ReviewRecord(ReviewId id, BookId bookId, AccountId authorId, String authorName, int rating, String text,
                        Instant createdAt) {}

    /** @throws DuplicateIsbnException when another book has the ISBN */
    BookRecord insert(NewBookRecord book);

    Optional<BookRecord> find(BookId id);

    /**
     * Writes only if the row still has {@code previous.version()}, and increments the version.
     *
     * @return the row as written, or empty when another writer got there first (or the book is gone)
     * @throws DuplicateIsbnException when another book has the new ISBN
     */
    Optional<BookRecord> update(BookRecord previous, BookRecordUpdates updates, Instant now);

    /** @return false when the book is gone or no longer at {@code version} */
    boolean delete(BookId id, long version);

    /** The books matching {@code filter}, in {@code sort} order, {@code limit} of them from {@code offset}. */
    List<BookRecord> list(Filter filter, BookSort sort, long offset, int limit);

    long count(Filter filter);

    /**
     * Adds the review and folds its rating into the book's summary, as a new version of the book.
     *
     * @throws BookNotFoundException when the book is gone
     * @throws DuplicateReviewException when the author has already reviewed the book
     */
    ReviewRecord insertReview(NewReviewRecord review, Instant now);

    Optional<ReviewRecord> findReview(BookId bookId, ReviewId id);

    /**
     * Deletes the review and takes its rating out of the book's summary, as a new version of the book.
     *
     * @return false when the review was already gone
     */
    boolean deleteReview(ReviewRecord review, Instant now);

    /** The book's reviews, newest first, {@code limit} of them from {@code offset}. */
    List<ReviewRecord> reviews(BookId bookId, long offset, int limit);

    long countReviews(BookId bookId);
}
