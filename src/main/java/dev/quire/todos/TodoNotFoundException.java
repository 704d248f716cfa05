package dev.quire.todos;

import dev.quire.shared.DomainException;

final class TodoNotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    TodoNotFoundException() {
        super(Kind.NOT_FOUND, "There is no such todo.");
    }
}
