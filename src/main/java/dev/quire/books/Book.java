package dev.quire.books;

import dev.quire.identity.AccountId;
import java.time.Instant;

/** A book of the catalogue; {@code createdBy} is null for the demo catalogue's books, which no account owns. */
public record Book(BookId id, String title, String author, Integer year, String genre, String isbn,
                   String description,
                   AccountId createdBy, Instant createdAt, Instant updatedAt, long version, Rating rating) {}
