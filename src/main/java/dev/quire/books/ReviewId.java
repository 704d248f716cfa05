package dev.quire.books;

import dev.quire.shared.Ids;
import java.util.Optional;

record ReviewId(String value) {
    static final String PREFIX = "rev";

    public ReviewId {
        if (!Ids.isWellFormed(PREFIX, value)) {
            throw new IllegalArgumentException("Not a review id: " + value);
        }
    }

    /** The id named by text from a client, if it has the shape of one. */
    static Optional<ReviewId> parse(String text) {
        return Ids.isWellFormed(PREFIX, text) ? Optional.of(new ReviewId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
