package dev.quire.identity;

import dev.quire.shared.DomainException;

final class EmailAlreadyRegisteredException extends DomainException {
    private static final long serialVersionUID = 1L;

    EmailAlreadyRegisteredException() {
        super(Kind.CONFLICT, "An account with this email address already exists.");
    }
}
