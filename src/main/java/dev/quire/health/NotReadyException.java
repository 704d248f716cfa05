package dev.quire.health;

import dev.quire.shared.DomainException;

final class NotReadyException extends DomainException {
    private static final long serialVersionUID = 1L;

    NotReadyException() {
        super(Kind.UNAVAILABLE, "The database did not answer within 1 second; Quire is not ready to serve requests.");
    }
}
