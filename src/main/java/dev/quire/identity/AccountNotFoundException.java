package dev.quire.identity;

import dev.quire.shared.DomainException;

final class AccountNotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    AccountNotFoundException() {
        super(Kind.NOT_FOUND, "There is no such account.");
    }
}
