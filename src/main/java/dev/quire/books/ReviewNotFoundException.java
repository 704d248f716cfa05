package dev.quire.books;

import dev.quire.shared.DomainException;

final class ReviewNotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    ReviewNotFoundException() {
        super(Kind.NOT_FOUND, "There is no such review of this book.");
    }
}
