package dev.quire.books;

import dev.quire.shared.DomainException;

final class DuplicateReviewException extends DomainException {
    private static final long serialVersionUID = 1L;

    DuplicateReviewException() {
        super(Kind.CONFLICT, "You have already reviewed this book; delete that review to write another.");
    }
}
