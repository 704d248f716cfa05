package dev.quire.todos;

import dev.quire.shared.Ids;
import java.util.Optional;

record TodoId(String value) {
    static final String PREFIX = "todo";

    public TodoId {
        if (!Ids.isWellFormed(PREFIX, value)) {
            throw new IllegalArgumentException("Not a todo id: " + value);
        }
    }

    /** The id named by text from a client, if it has the shape of one. */
    static Optional<TodoId> parse(String text) {
        return Ids.isWellFormed(PREFIX, text) ? Optional.of(new TodoId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
