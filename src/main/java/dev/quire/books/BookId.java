package dev.quire.books;

import dev.quire.shared.Ids;
import java.util.Optional;

record BookId(String value) {
    static final String PREFIX = "book";

    public BookId {
        if (!Ids.isWellFormed(PREFIX, value)) {
            throw new IllegalArgumentException("Not a book id: " + value);
        }
    }

    /** The id named by text from a client, if it has the shape of one. */
    static Optional<BookId> parse(String text) {
        return Ids.isWellFormed(PREFIX, text) ? Optional.of(new BookId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
