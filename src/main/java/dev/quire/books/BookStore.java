package dev.quire.books;

import dev.quire.identity.AccountId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where books and reviews are kept, and the catalogue's search engine: filtering, full-text search, sorting,
 * counting, facets and paging happen here, in the database or in an index that follows it.
 */
interface BookStore {

    record NewBookRecord(BookId id, String title, String author, Integer year, String genre, String isbn,
                         String description, AccountId createdBy, Instant createdAt) {}

    record BookRecord(BookId id, String title, String author, Integer year, String genre, String isbn,
                      String description, AccountId createdBy, Instant createdAt, Instant updatedAt, long version,
                      int ratingCount, int ratingSum) {}

    /** Full new values; the service merges a patch before it writes. */
    record BookRecordUpdates(String title, String author, Integer year, String genre, String isbn,
                             String description) {}

    /**
     * {@code author} and {@code genre} are keys ({@link BookKeys#key}) to match exactly ({@code genre} is the key of a
     * genre's name, see {@link Genres}); null means no such filter.
     */
    record Filter(String author, String genre, Integer yearMin, Integer yearMax) {
        static final Filter NONE = new Filter(null, null, null, null);

        Filter withoutGenre() {
            return new Filter(author, null, yearMin, yearMax);
        }

        Filter withoutYears() {
            return new Filter(author, genre, null, null);
        }
    }

    /** The counts a list can carry with its page: see {@link SearchRequest#facets}. */
    enum Facet { GENRE, DECADE }

    /**
     * Which books to find and which page of them: {@code text} is the search ({@code null} for none); the books
     * come in {@code sort} order ({@link BookSort#RELEVANCE} is the search's ranking, ties by title key then id;
     * without a search, title order), {@code limit} of them from {@code offset}. For each of {@code facets} the
     * result counts the matching books under every filter except that facet's own: the genre facet ignores
     * {@code filter.genre()}, the decade facet the years, so that a page can show what choosing another genre or
     * decade would find.
     */
    record SearchRequest(Filter filter, SearchText text, BookSort sort, long offset, int limit, Set<Facet> facets) {}

    /**
     * A page of books and what the request asked to count. {@code total} is exact unless {@code totalIsEstimate},
     * when at least that many match (see {@link #COUNT_LIMIT}). {@code genres} maps the key ({@link BookKeys#key})
     * of each genre that has matching books to their number; {@code decades} maps each decade (1960 for 1960 to
     * 1969, -10 for -10 to -1) that has matching books to their number; books without a genre or a year are in
     * neither. Both are empty unless asked for.
     */
    record SearchResult(List<BookRecord> books, long total, boolean totalIsEstimate, Map<String, Long> genres,
                        Map<Integer, Long> decades) {}

    /** A store may stop counting matches here and report the total as an estimate. */
    long COUNT_LIMIT = 10_000;

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

    /** The books that match the request, and the counts it asks for. */
    SearchResult search(SearchRequest request);

    /**
     * The words of titles and authors (folded, as {@link BookKeys#words} makes them, not stemmed) that begin with
     * the first letter of {@code word} and are at most {@code maxEdits} characters longer or shorter, each with
     * the number of books that have it: the candidates {@link Spelling} picks a correction from.
     */
    Map<String, Long> wordsLike(String word, int maxEdits);

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
