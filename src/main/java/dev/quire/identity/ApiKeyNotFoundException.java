package dev.quire.identity;

import dev.quire.shared.DomainException;

/** No key of the caller's account has this id (another account's key looks the same as none). */
public final class ApiKeyNotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    ApiKeyNotFoundException() {
        super(Kind.NOT_FOUND, "No API key of this account has this id.");
    }
}
