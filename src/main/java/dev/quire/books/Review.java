package dev.quire.books;

import dev.quire.identity.AccountId;
import java.time.Instant;

/** A review of a book; {@code authorName} is the reviewer's display name when the review was written. */
record Review(ReviewId id, BookId bookId, AccountId authorId, String authorName, int rating, String text,
                     Instant createdAt) {}
