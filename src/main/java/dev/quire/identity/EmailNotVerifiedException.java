package dev.quire.identity;

import dev.quire.shared.DomainException;

/** The password was right, but this server lets only accounts with a verified email sign in. */
final class EmailNotVerifiedException extends DomainException {
    private static final long serialVersionUID = 1L;

    EmailNotVerifiedException() {
        super(Kind.FORBIDDEN, "This account's email address is not verified yet, and this server requires it: follow"
                + " the link in the verification mail (a new one is sent now, unless one was sent very recently), then"
                + " sign in again.");
    }
}
