package dev.quire.books;

import dev.quire.shared.DomainException;

final class DuplicateIsbnException extends DomainException {
    private static final long serialVersionUID = 1L;

    DuplicateIsbnException() {
        super(Kind.CONFLICT, "Another book in the catalogue has this ISBN.");
    }
}
