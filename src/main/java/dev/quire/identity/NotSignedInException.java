package dev.quire.identity;

import dev.quire.shared.DomainException;

/** An anonymous request reached something that needs a session. */
final class NotSignedInException extends DomainException {
    private static final long serialVersionUID = 1L;

    NotSignedInException() {
        super(Kind.UNAUTHENTICATED, "This needs a session: sign in and send Authorization: Bearer <token>.");
    }
}
