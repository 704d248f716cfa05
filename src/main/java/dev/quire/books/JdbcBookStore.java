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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@link BookStore} on the books and reviews tables (migration V5), for H2 and PostgreSQL alike. */
final class JdbcBookStore implements BookStore {
    private static final String COLUMNS = "id, title, author, publication_year, genre, isbn, created_by, created_at,"
            + " updated_at, version, rating_count, rating_sum";
    private static final String INSERT = """
            insert into books (id, title, title_key, author, author_key, publication_year, genre, genre_key, isbn,
                               created_by, created_at, updated_at, version, rating_count, rating_sum, rating_average)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 0, null)""";
    private static final String FIND = "select " + COLUMNS + " from books where id = ?";
    private static final String UPDATE = """
            update books set title = ?, title_key = ?, author = ?, author_key = ?, publication_year = ?, genre = ?,
                             genre_key = ?, isbn = ?, updated_at = ?, version = version + 1
            where id = ? and version = ?""";
    private static final String DELETE = "delete from books where id = ? and version = ?";
    private static final String INSERT_WORD = "insert into book_words (word, book_id) values (?, ?)";
    private static final String DELETE_WORDS = "delete from book_words where book_id = ?";
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

    /** @param events where each change's event is written, in the change's own transaction */
    JdbcBookStore(Jdbc jdbc, Outbox events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @Override
    public BookRecord insert(NewBookRecord book) {
        var inserted = new BookRecord(book.id(), book.title(), book.author(), book.year(), book.genre(), book.isbn(),
                book.createdBy(), book.createdAt(), book.createdAt(), 1, 0, 0);
        try {
            jdbc.transaction(connection -> {
                Jdbc.update(connection, INSERT, statement -> {
                    statement.setString(1, book.id().value());
                    bindContent(statement, 2, new BookRecordUpdates(book.title(), book.author(), book.year(),
                            book.genre(), book.isbn()));
                    statement.setString(10, book.createdBy() == null ? null : book.createdBy().value());
                    setInstant(statement, 11, book.createdAt());
                    setInstant(statement, 12, book.createdAt());
                });
                insertWords(connection, book.id(), book.title(), book.author());
                events.append(connection, BookEvents.created(inserted));
                return null;
            });
        } catch (Jdbc.DuplicateKeyException e) {
            // ids are random, so the one unique value a new book can repeat is its ISBN
            throw new DuplicateIsbnException();
        }
        events.committed();
        return inserted;
    }

    @Override
    public Optional<BookRecord> find(BookId id) {
        return jdbc.one(FIND, statement -> statement.setString(1, id.value()), JdbcBookStore::book);
    }

    @Override
    public Optional<BookRecord> update(BookRecord previous, BookRecordUpdates updates, Instant now) {
        var written = new BookRecord(previous.id(), updates.title(), updates.author(), updates.year(), updates.genre(),
                updates.isbn(), previous.createdBy(), previous.createdAt(), now, previous.version() + 1,
                previous.ratingCount(), previous.ratingSum());
        int changed;
        try {
            changed = jdbc.transaction(connection -> {
                int rows = Jdbc.update(connection, UPDATE, statement -> {
                    bindContent(statement, 1, updates);
                    setInstant(statement, 9, now);
                    statement.setString(10, previous.id().value());
                    statement.setLong(11, previous.version());
                });
                if (rows == 1 && !(updates.title().equals(previous.title())
                        && updates.author().equals(previous.author()))) {
                    Jdbc.update(connection, DELETE_WORDS, statement -> statement.setString(1, previous.id().value()));
                    insertWords(connection, previous.id(), updates.title(), updates.author());
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
        events.committed();
        return Optional.of(written);
    }

    /** Indexes the words of the title and the author for search. */
    private static void insertWords(Connection connection, BookId id, String title, String author)
            throws SQLException {
        Jdbc.batch(connection, INSERT_WORD, BookKeys.words(title, author), (statement, word) -> {
            statement.setString(1, word);
            statement.setString(2, id.value());
        });
    }

    /** Binds title, keys, year, genre and ISBN at {@code first} to {@code first + 7}. */
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
            events.committed();
        }
        return deleted;
    }

    @Override
    public List<BookRecord> list(Filter filter, BookSort sort, long offset, int limit) {
        var query = listQuery(filter, sort, offset, limit);
        return jdbc.list(query.sql(), bind(query.values()), JdbcBookStore::book);
    }

    @Override
    public long count(Filter filter) {
        var values = new ArrayList<Object>();
        return jdbc.one("select count(*) from books" + where(filter, values), bind(values), row -> row.getLong(1))
                .orElse(0L);
    }

    /** SQL and the values to bind to it. */
    record Query(String sql, List<Object> values) {}

    /** The statement {@link #list} runs; each sort has an index in exactly its order (migration V5). */
    static Query listQuery(Filter filter, BookSort sort, long offset, int limit) {
        var values = new ArrayList<Object>();
        String direction = sort.descending ? " desc" : " asc";
        // books without a year or a rating come last either way: they have no place in that order
        String nulls = sort.nullable ? " nulls last" : "";
        String sql = "select " + COLUMNS + " from books" + where(filter, values)
                + " order by " + sort.column + direction + nulls + ", id" + direction + " limit ? offset ?";
        values.add(limit);
        values.add(offset);
        return new Query(sql, values);
    }

    private static String where(Filter filter, List<Object> values) {
        var conditions = new ArrayList<String>();
        if (filter.author() != null) {
            conditions.add("author_key = ?");
            values.add(filter.author());
        }
        if (filter.genre() != null) {
            conditions.add("genre_key = ?");
            values.add(filter.genre());
        }
        if (filter.yearMin() != null) {
            conditions.add("publication_year >= ?");
            values.add(filter.yearMin());
        }
        if (filter.yearMax() != null) {
            conditions.add("publication_year <= ?");
            values.add(filter.yearMax());
        }
        // Each search word begins some word of the book. The longest, likely the rarest, picks the candidates
        // through the word index; the others are checked per candidate. Words are letters and digits only
        // (BookKeys.words), so they hold no LIKE wildcards.
        var words = new ArrayList<>(filter.words());
        words.sort(Comparator.comparingInt(String::length).reversed());
        for (int i = 0; i < words.size(); i++) {
            conditions.add(i == 0
                    ? "id in (select book_id from book_words where word like ?)"
                    : "exists (select 1 from book_words w where w.book_id = books.id and w.word like ?)");
            values.add(words.get(i) + "%");
        }
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    private static Jdbc.Binder bind(List<Object> values) {
        return statement -> {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
        };
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
        events.committed();
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
            events.committed();
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

    private static BookRecord book(ResultSet row) throws SQLException {
        String createdBy = row.getString("created_by");
        return new BookRecord(new BookId(row.getString("id")), row.getString("title"), row.getString("author"),
                row.getObject("publication_year", Integer.class), row.getString("genre"), row.getString("isbn"),
                createdBy == null ? null : new AccountId(createdBy), getInstant(row, "created_at"),
                getInstant(row, "updated_at"), row.getLong("version"), row.getInt("rating_count"),
                row.getInt("rating_sum"));
    }

    private static ReviewRecord review(ResultSet row) throws SQLException {
        return new ReviewRecord(new ReviewId(row.getString("id")), new BookId(row.getString("book_id")),
                new AccountId(row.getString("author_id")), row.getString("author_name"), row.getInt("rating"),
                row.getString("body"), getInstant(row, "created_at"));
    }
}
