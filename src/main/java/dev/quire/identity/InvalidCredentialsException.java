package dev.quire.identity;

import dev.quire.shared.DomainException;

/** The same answer for an unknown email and a wrong password, so neither reveals which accounts exist. */
final class InvalidCredentialsException extends DomainException {
    private static final long serialVersionUID = 1L;

    InvalidCredentialsException() {
        super(Kind.UNAUTHENTICATED, "The email address or password is incorrect.");
    }
}
