package dev.quire.books;

import dev.quire.shared.DomainException;

final class BookNotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    BookNotFoundException() {
        super(Kind.NOT_FOUND, "There is no such book.");
    }
}
