package dev.quire.books;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.ReviewRecord;
import dev.quire.events.ChangeEvent;
import java.math.BigDecimal;
import java.time.Instant;

/** The events of changes to the catalogue: public (no owner), in the {@code books} stream. */
final class BookEvents {
    static final String STREAM = "books";

    record RatingData(BigDecimal average, int count) {}

    /** A book as the API shows it, without its links (its id is what fetches it). */
    record BookData(String id, String title, String author, Integer year, String genre, String isbn,
                    String description, String createdBy,
                    Instant createdAt, Instant updatedAt, long version, RatingData rating) {}

    record ReviewData(String id, String bookId, String authorId, String authorName, int rating, String text,
                      Instant createdAt) {}

    /** What a review changed on its book: its version and rating. */
    record BookRatingData(String id, long version, RatingData rating) {}
    // records rather than maps, so that the members come in this order every time (a Map.of's order varies)
    record DeletedData(String id, long version) {}
    record ReviewCreatedData(ReviewData review, BookRatingData book) {}
    record ReviewDeletedData(String id, BookRatingData book) {}

    private BookEvents() {}

    static ChangeEvent created(BookRecord book) {
        return changed("book.created", book);
    }

    static ChangeEvent updated(BookRecord book) {
        return changed("book.updated", book);
    }

    static ChangeEvent deleted(BookId id, long version) {
        return new ChangeEvent(STREAM, null, "book.deleted", id.value(), version,
                new DeletedData(id.value(), version));
    }

    static ChangeEvent reviewCreated(ReviewRecord review, long bookVersion, Rating rating) {
        return new ChangeEvent(STREAM, null, "review.created", review.id().value(), null, new ReviewCreatedData(
                new ReviewData(review.id().value(), review.bookId().value(), review.authorId().value(),
                        review.authorName(), review.rating(), review.text(), review.createdAt()),
                bookRating(review.bookId(), bookVersion, rating)));
    }

    static ChangeEvent reviewDeleted(ReviewRecord review, long bookVersion, Rating rating) {
        return new ChangeEvent(STREAM, null, "review.deleted", review.id().value(), null, new ReviewDeletedData(
                review.id().value(), bookRating(review.bookId(), bookVersion, rating)));
    }

    private static BookRatingData bookRating(BookId book, long version, Rating rating) {
        return new BookRatingData(book.value(), version, new RatingData(rating.average(), rating.count()));
    }

    private static ChangeEvent changed(String type, BookRecord book) {
        var rating = Rating.of(book.ratingCount(), book.ratingSum());
        return new ChangeEvent(STREAM, null, type, book.id().value(), book.version(), new BookData(book.id().value(),
                book.title(), book.author(), book.year(), book.genre(), book.isbn(), book.description(),
                book.createdBy() == null ? null : book.createdBy().value(), book.createdAt(), book.updatedAt(),
                book.version(), new RatingData(rating.average(), rating.count())));
    }
}
