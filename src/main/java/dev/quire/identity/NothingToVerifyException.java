package dev.quire.identity;

import dev.quire.shared.DomainException;

/** A verification mail was asked for, but the account's email is verified and no change is pending. */
final class NothingToVerifyException extends DomainException {
    private static final long serialVersionUID = 1L;

    NothingToVerifyException() {
        super(Kind.CONFLICT, "This account's email address is already verified, and no change of address is pending.");
    }
}
