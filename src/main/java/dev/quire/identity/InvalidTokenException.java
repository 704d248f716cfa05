package dev.quire.identity;

import dev.quire.shared.DomainException;

/** A bearer token was sent but proves nothing: malformed, tampered with, expired or revoked. */
public final class InvalidTokenException extends DomainException {
    private static final long serialVersionUID = 1L;

    public static final String DETAIL = "The bearer token is invalid, expired or revoked; sign in again.";

    public InvalidTokenException(String detail) {
        super(Kind.UNAUTHENTICATED, detail);
    }

    InvalidTokenException() {
        this(DETAIL);
    }
}
