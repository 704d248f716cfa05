package dev.quire.identity;

import dev.quire.shared.DomainException;

/**
 * An API key called a route that no key may use (managing keys, sessions, the password or the account): no scope
 * would help, so no {@code insufficient_scope} challenge; the caller must sign in.
 */
public final class NotForApiKeysException extends DomainException {
    private static final long serialVersionUID = 1L;

    NotForApiKeysException() {
        super(Kind.FORBIDDEN, "API keys cannot use this route: it needs a signed-in session.");
    }
}
