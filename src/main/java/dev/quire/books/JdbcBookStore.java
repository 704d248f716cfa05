package dev.quire.books;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import dev.quire.events.Outbox;
import dev.quire.identity.AccountId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link BookStore} on the books and reviews tables (migration V5), for H2 and PostgreSQL alike. */
final class JdbcBookStore implements BookStore {
    /** Every query of books starts with these, in the order {@link #book} reads them. */
    static final String COLUMNS = "id, title, author, publication_year, genre, isbn, description, created_by,"
            + " created_at, updated_at, version, rating_count, rating_sum";
    private static final String INSERT = """
            insert into books (id, title, title_key, author, author_key, publication_year, genre, genre_key, isbn,
                               description, description_key, created_by, created_at, updated_at, version,
                               rating_count, rating_sum, rating_average)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 0, null)""";
    private static final String FIND = "select " + COLUMNS + " from books where id = ?";
    private static final String UPDATE = """
            update books set title = ?, title_key = ?, author = ?, author_key = ?, publication_year = ?, genre = ?,
                             genre_key = ?, isbn = ?, description = ?, description_key = ?, updated_at = ?,
                             version = version + 1
            where id = ? and version = ?""";
    private static final String DELETE = "delete from books where id = ? and version = ?";
    private static final String LOCK_RATING =
            "select rating_count, rating_sum, version from books where id = ? for update";
    private static final String UPDATE_RATING = """
            update books set rating_count = ?, rating_sum = ?, rating_average = ?, updated_at = ?, version = version + 1
            where id = ?""";
    private static final String REVIEW_COLUMNS = "id, book_id, author_id, author_name, rating, body, created_at";
    private static final String INSERT_REVIEW = """
            insert into reviews (id, book_id, author_id, author_name, rating, body, created_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    private static final String FIND_REVIEW = "select " + REVIEW_COLUMNS + " from reviews where book_id = ? and id = ?";
    private static final String DELETE_REVIEW = "delete from reviews where book_id = ? and id = ?";
    private static final String REVIEWS = "select " + REVIEW_COLUMNS
            + " from reviews where book_id = ? order by created_at desc, id desc limit ? offset ?";
    private static final String COUNT_REVIEWS = "select count(*) from reviews where book_id = ?";

    private final Jdbc jdbc;
    private final Outbox events;
    private final BookSearchEngine search;

    /**
     * @param events where each change's event is written, in the change's own transaction
     * @param search the database's search engine, told of every change
     */
    JdbcBookStore(Jdbc jdbc, Outbox events, BookSearchEngine search) {
        this.jdbc = jdbc;
        this.events = events;
        this.search = search;
    }

    @Override
    public BookRecord insert(NewBookRecord book) {
        var inserted = new BookRecord(book.id(), book.title(), book.author(), book.year(), book.genre(), book.isbn(),
                book.description(), book.createdBy(), book.createdAt(), book.createdAt(), 1, 0, 0);
        try {
            jdbc.transaction(connection -> {
                Jdbc.update(connection, INSERT, statement -> {
                    statement.setString(1, book.id().value());
                    bindContent(statement, 2, new BookRecordUpdates(book.title(), book.author(), book.year(),
                            book.genre(), book.isbn(), book.description()));
                    statement.setString(12, book.createdBy() == null ? null : book.createdBy().value());
                    setInstant(statement, 13, book.createdAt());
                    setInstant(statement, 14, book.createdAt());
                });
                search.written(connection, book.id(), book.title(), book.author());
                events.append(connection, BookEvents.created(inserted));
                return null;
            });
        } catch (Jdbc.DuplicateKeyException e) {
            // ids are random, so the one unique value a new book can repeat is its ISBN
            throw new DuplicateIsbnException();
        }
        committed(book.id());
        return inserted;
    }

    @Override
    public Optional<BookRecord> find(BookId id) {
        return jdbc.one(FIND, statement -> statement.setString(1, id.value()), JdbcBookStore::book);
    }

    @Override
    public Optional<BookRecord> update(BookRecord previous, BookRecordUpdates updates, Instant now) {
        var written = new BookRecord(previous.id(), updates.title(), updates.author(), updates.year(), updates.genre(),
                updates.isbn(), updates.description(), previous.createdBy(), previous.createdAt(), now, previous.version() + 1,
                previous.ratingCount(), previous.ratingSum());
        int changed;
        try {
            changed = jdbc.transaction(connection -> {
                int rows = Jdbc.update(connection, UPDATE, statement -> {
                    bindContent(statement, 1, updates);
                    setInstant(statement, 11, now);
                    statement.setString(12, previous.id().value());
                    statement.setLong(13, previous.version());
                });
                if (rows == 1 && !(updates.title().equals(previous.title())
                        && updates.author().equals(previous.author()))) {
                    search.written(connection, previous.id(), updates.title(), updates.author());
                }
                if (rows == 1) {
                    events.append(connection, BookEvents.updated(written));
                }
                return rows;
            });
        } catch (Jdbc.DuplicateKeyException e) {
            throw new DuplicateIsbnException();
        }
        if (changed == 0) {
            return Optional.empty();
        }
        committed(previous.id());
        return Optional.of(written);
    }

    /** After a change to the book committed: wakes the events' readers and tells the search engine. */
    private void committed(BookId id) {
        events.committed();
        search.changed(id);
    }

    /** Binds title, keys, year, genre, ISBN, description and its key at {@code first} to {@code first + 9}. */
    private static void bindContent(PreparedStatement statement, int first, BookRecordUpdates content)
            throws SQLException {
        statement.setString(first, content.title());
        statement.setString(first + 1, BookKeys.key(content.title()));
        statement.setString(first + 2, content.author());
        statement.setString(first + 3, BookKeys.key(content.author()));
        if (content.year() == null) {
            statement.setNull(first + 4, Types.INTEGER);
        } else {
            statement.setInt(first + 4, content.year());
        }
        statement.setString(first + 5, content.genre());
        statement.setString(first + 6, content.genre() == null ? null : BookKeys.key(content.genre()));
        statement.setString(first + 7, content.isbn());
        statement.setString(first + 8, content.description());
        statement.setString(first + 9, content.description() == null ? null : BookKeys.key(content.description()));
    }

    @Override
    public boolean delete(BookId id, long version) {
        boolean deleted = jdbc.transaction(connection -> {
            boolean gone = Jdbc.update(connection, DELETE, statement -> {
                statement.setString(1, id.value());
                statement.setLong(2, version);
            }) == 1;
            if (gone) {
                events.append(connection, BookEvents.deleted(id, version));
            }
            return gone;
        });
        if (deleted) {
            committed(id);
        }
        return deleted;
    }

    @Override
    public SearchResult search(SearchRequest request) {
        return search.search(request);
    }

    @Override
    public Map<String, Long> wordsLike(String word, int maxEdits) {
        return search.wordsLike(word, maxEdits);
    }

    @Override
    public ReviewRecord insertReview(NewReviewRecord review, Instant now) {
        ReviewRecord written;
        try {
            written = jdbc.transaction(connection -> {
                // the book's row is locked first: concurrent reviews of one book update its summary one at a time
                var rating = lockRating(connection, review.bookId()).orElseThrow(BookNotFoundException::new);
                Jdbc.update(connection, INSERT_REVIEW, statement -> {
                    statement.setString(1, review.id().value());
                    statement.setString(2, review.bookId().value());
                    statement.setString(3, review.authorId().value());
                    statement.setString(4, review.authorName());
                    statement.setInt(5, review.rating());
                    statement.setString(6, review.text());
                    setInstant(statement, 7, review.createdAt());
                });
                var summary = writeRating(connection, review.bookId(), (int) rating[0] + 1,
                        (int) rating[1] + review.rating(), now);
                var inserted = new ReviewRecord(review.id(), review.bookId(), review.authorId(), review.authorName(),
                        review.rating(), review.text(), review.createdAt());
                events.append(connection, BookEvents.reviewCreated(inserted, rating[2] + 1, summary));
                return inserted;
            });
        } catch (Jdbc.DuplicateKeyException e) {
            throw new DuplicateReviewException();
        }
        committed(review.bookId());
        return written;
    }

    @Override
    public Optional<ReviewRecord> findReview(BookId bookId, ReviewId id) {
        return jdbc.one(FIND_REVIEW, statement -> {
            statement.setString(1, bookId.value());
            statement.setString(2, id.value());
        }, JdbcBookStore::review);
    }

    @Override
    public boolean deleteReview(ReviewRecord review, Instant now) {
        boolean deleted = jdbc.transaction(connection -> {
            var rating = lockRating(connection, review.bookId());
            if (rating.isEmpty()) {
                return false;
            }
            int rows = Jdbc.update(connection, DELETE_REVIEW, statement -> {
                statement.setString(1, review.bookId().value());
                statement.setString(2, review.id().value());
            });
            if (rows == 0) {
                return false;
            }
            var summary = writeRating(connection, review.bookId(), (int) rating.get()[0] - 1,
                    (int) rating.get()[1] - review.rating(), now);
            events.append(connection, BookEvents.reviewDeleted(review, rating.get()[2] + 1, summary));
            return true;
        });
        if (deleted) {
            committed(review.bookId());
        }
        return deleted;
    }

    /** The book's review count, rating sum and version, with its row locked until the transaction ends. */
    private static Optional<long[]> lockRating(Connection connection, BookId bookId) throws SQLException {
        return Jdbc.one(connection, LOCK_RATING, statement -> statement.setString(1, bookId.value()),
                row -> new long[] {row.getInt(1), row.getInt(2), row.getLong(3)});
    }

    /** Writes the book's new rating summary as its next version; returns the summary. */
    private static Rating writeRating(Connection connection, BookId bookId, int count, int sum, Instant now)
            throws SQLException {
        Jdbc.update(connection, UPDATE_RATING, statement -> {
            statement.setInt(1, count);
            statement.setInt(2, sum);
            statement.setBigDecimal(3, Rating.of(count, sum).average());
            setInstant(statement, 4, now);
            statement.setString(5, bookId.value());
        });
        return Rating.of(count, sum);
    }

    @Override
    public List<ReviewRecord> reviews(BookId bookId, long offset, int limit) {
        return jdbc.list(REVIEWS, statement -> {
            statement.setString(1, bookId.value());
            statement.setInt(2, limit);
            statement.setLong(3, offset);
        }, JdbcBookStore::review);
    }

    @Override
    public long countReviews(BookId bookId) {
        return jdbc.one(COUNT_REVIEWS, statement -> statement.setString(1, bookId.value()), row -> row.getLong(1))
                .orElse(0L);
    }

    /** A row that starts with {@link #COLUMNS}, read by position (a column looked up by name costs H2 a search). */
    static BookRecord book(ResultSet row) throws SQLException {
        String createdBy = row.getString(8);
        return new BookRecord(new BookId(row.getString(1)), row.getString(2), row.getString(3),
                row.getObject(4, Integer.class), row.getString(5), row.getString(6),
                row.getString(7), createdBy == null ? null : new AccountId(createdBy), getInstant(row, 9),
                getInstant(row, 10), row.getLong(11), row.getInt(12), row.getInt(13));
    }

    private static ReviewRecord review(ResultSet row) throws SQLException {
        return new ReviewRecord(new ReviewId(row.getString("id")), new BookId(row.getString("book_id")),
                new AccountId(row.getString("author_id")), row.getString("author_name"), row.getInt("rating"),
                row.getString("body"), getInstant(row, "created_at"));
    }
}
