package dev.quire.books;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The book store in memory, for service tests; {@link BookStoreContract} holds it to the JDBC store's behaviour. */
class InMemoryBookStore implements BookStore {
    private final Map<BookId, BookRecord> books = new ConcurrentHashMap<>();
    private final Map<ReviewId, ReviewRecord> reviews = new ConcurrentHashMap<>();

    @Override
    public synchronized BookRecord insert(NewBookRecord book) {
        checkIsbn(book.isbn(), book.id());
        var record = new BookRecord(book.id(), book.title(), book.author(), book.year(), book.genre(), book.isbn(),
                book.description(), book.createdBy(), book.createdAt(), book.createdAt(), 1, 0, 0);
        books.put(book.id(), record);
        return record;
    }

    private void checkIsbn(String isbn, BookId self) {
        if (isbn != null && books.values().stream().anyMatch(b -> isbn.equals(b.isbn()) && !b.id().equals(self))) {
            throw new DuplicateIsbnException();
        }
    }

    @Override
    public Optional<BookRecord> find(BookId id) {
        return Optional.ofNullable(books.get(id));
    }

    @Override
    public synchronized Optional<BookRecord> update(BookRecord previous, BookRecordUpdates updates, Instant now) {
        var current = books.get(previous.id());
        if (current == null || current.version() != previous.version()) {
            return Optional.empty();
        }
        checkIsbn(updates.isbn(), current.id());
        var written = new BookRecord(current.id(), updates.title(), updates.author(), updates.year(), updates.genre(),
                updates.isbn(), updates.description(), current.createdBy(), current.createdAt(), now, current.version() + 1,
                current.ratingCount(), current.ratingSum());
        books.put(current.id(), written);
        return Optional.of(written);
    }

    @Override
    public synchronized boolean delete(BookId id, long version) {
        var current = books.get(id);
        if (current == null || current.version() != version) {
            return false;
        }
        books.remove(id);
        reviews.values().removeIf(review -> review.bookId().equals(id));
        return true;
    }

    /**
     * A naive search: every wanted word begins a word of the title, the author, the genre or the description, no
     * excluded one does; relevance is title order. Enough for the service's rules; the engines are tested for real.
     */
    @Override
    public SearchResult search(SearchRequest request) {
        var filter = request.filter();
        var matches = matching(filter, request.text()).toList();
        var genres = new java.util.TreeMap<String, Long>();
        var decades = new java.util.TreeMap<Integer, Long>();
        if (request.facets().contains(Facet.GENRE)) {
            matching(filter.withoutGenre(), request.text()).filter(b -> b.genre() != null)
                    .forEach(b -> genres.merge(BookKeys.key(b.genre()), 1L, Long::sum));
        }
        if (request.facets().contains(Facet.DECADE)) {
            matching(filter.withoutYears(), request.text()).filter(b -> b.year() != null)
                    .forEach(b -> decades.merge(Math.floorDiv(b.year(), 10) * 10, 1L, Long::sum));
        }
        var page = matches.stream().sorted(order(request.sort())).skip(request.offset()).limit(request.limit())
                .toList();
        return new SearchResult(page, matches.size(), false, genres, decades);
    }

    @Override
    public Map<String, Long> wordsLike(String word, int maxEdits) {
        var counts = new java.util.TreeMap<String, Long>();
        books.values().forEach(b -> BookKeys.words(b.title(), b.author()).stream()
                .filter(w -> w.codePointAt(0) == word.codePointAt(0) && Math.abs(w.length() - word.length()) <= maxEdits)
                .forEach(w -> counts.merge(w, 1L, Long::sum)));
        return counts;
    }

    private java.util.stream.Stream<BookRecord> matching(Filter filter, SearchText text) {
        return books.values().stream()
                .filter(b -> filter.author() == null || BookKeys.key(b.author()).equals(filter.author()))
                .filter(b -> filter.genre() == null || (b.genre() != null && BookKeys.key(b.genre()).equals(filter.genre())))
                .filter(b -> filter.yearMin() == null || (b.year() != null && b.year() >= filter.yearMin()))
                .filter(b -> filter.yearMax() == null || (b.year() != null && b.year() <= filter.yearMax()))
                .filter(b -> text == null || text.clauses().stream().allMatch(clause -> clause.excluded()
                        != clause.words().stream().allMatch(term -> words(b).stream().anyMatch(w -> w.startsWith(term)))));
    }

    private static List<String> words(BookRecord b) {
        return BookKeys.words(b.title(), b.author(), b.genre() == null ? "" : b.genre(),
                b.description() == null ? "" : b.description());
    }

    /** The SQL order: the sort value (nulls last in both directions), then the id in the same direction. */
    private static Comparator<BookRecord> order(BookSort sort) {
        Function<BookRecord, Comparable<?>> value = switch (sort) {
            case RELEVANCE, TITLE, TITLE_DESC -> b -> BookKeys.key(b.title());
            case AUTHOR, AUTHOR_DESC -> b -> BookKeys.key(b.author());
            case YEAR, YEAR_DESC -> BookRecord::year;
            case CREATED, CREATED_DESC -> BookRecord::createdAt;
            case RATING, RATING_DESC -> b -> Rating.of(b.ratingCount(), b.ratingSum()).average();
        };
        return (a, b) -> {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Comparable<Object> left = (Comparable) value.apply(a);
            Object right = value.apply(b);
            int result;
            if (left == null || right == null) {
                result = left == null && right == null ? 0 : left == null ? 1 : -1;
                if (result != 0) {
                    return result;
                }
            } else {
                result = sort.descending ? -left.compareTo(right) : left.compareTo(right);
                if (result != 0) {
                    return result;
                }
            }
            int byId = a.id().value().compareTo(b.id().value());
            return sort.descending ? -byId : byId;
        };
    }

    @Override
    public synchronized ReviewRecord insertReview(NewReviewRecord review, Instant now) {
        var book = books.get(review.bookId());
        if (book == null) {
            throw new BookNotFoundException();
        }
        if (reviews.values().stream().anyMatch(r -> r.bookId().equals(review.bookId())
                && r.authorId().equals(review.authorId()))) {
            throw new DuplicateReviewException();
        }
        var record = new ReviewRecord(review.id(), review.bookId(), review.authorId(), review.authorName(),
                review.rating(), review.text(), review.createdAt());
        reviews.put(review.id(), record);
        rate(book, book.ratingCount() + 1, book.ratingSum() + review.rating(), now);
        return record;
    }

    private void rate(BookRecord book, int count, int sum, Instant now) {
        books.put(book.id(), new BookRecord(book.id(), book.title(), book.author(), book.year(), book.genre(),
                book.isbn(), book.description(), book.createdBy(), book.createdAt(), now, book.version() + 1, count,
                sum));
    }

    @Override
    public Optional<ReviewRecord> findReview(BookId bookId, ReviewId id) {
        return Optional.ofNullable(reviews.get(id)).filter(review -> review.bookId().equals(bookId));
    }

    @Override
    public synchronized boolean deleteReview(ReviewRecord review, Instant now) {
        var book = books.get(review.bookId());
        if (book == null || reviews.remove(review.id()) == null) {
            return false;
        }
        rate(book, book.ratingCount() - 1, book.ratingSum() - review.rating(), now);
        return true;
    }

    @Override
    public List<ReviewRecord> reviews(BookId bookId, long offset, int limit) {
        return reviews.values().stream().filter(review -> review.bookId().equals(bookId))
                .sorted(Comparator.comparing(ReviewRecord::createdAt).thenComparing(r -> r.id().value()).reversed())
                .skip(offset).limit(limit).toList();
    }

    @Override
    public long countReviews(BookId bookId) {
        return reviews.values().stream().filter(review -> review.bookId().equals(bookId)).count();
    }
}
