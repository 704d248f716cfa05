package dev.quire.books;

import dev.quire.shared.DomainException;

/** The caller is signed in, but the book or review is someone else's (or, in the demo catalogue, no one's). */
final class NotYoursException extends DomainException {
    private static final long serialVersionUID = 1L;

    NotYoursException(String detail) {
        super(Kind.FORBIDDEN, detail);
    }
}
