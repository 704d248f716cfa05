package dev.quire.identity;

import dev.quire.shared.DomainException;

/** Two password changes raced; the other one won, and this one changed nothing. */
final class PasswordChangedMeanwhileException extends DomainException {
    private static final long serialVersionUID = 1L;

    PasswordChangedMeanwhileException() {
        super(Kind.CONFLICT, "The password was changed by another request meanwhile; nothing was changed.");
    }
}
