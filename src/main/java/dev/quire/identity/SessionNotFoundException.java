package dev.quire.identity;

import dev.quire.shared.DomainException;

/** No live session of the caller's account has this id (another account's session looks the same as none). */
public final class SessionNotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    SessionNotFoundException() {
        super(Kind.NOT_FOUND, "No live session of this account has this id.");
    }
}
