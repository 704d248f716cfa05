package dev.quire.idempotency;

import dev.quire.shared.DomainException;
import java.time.Duration;

/**
 * The first request with this key has not answered. Usually it is still running, and a retry in a moment gets its
 * response. If it never will (the server stopped while running it), whether its change was made is unknown, and
 * Quire does not risk making it twice: the key stays refused until it expires.
 */
final class RequestInProgressException extends DomainException {
    private static final long serialVersionUID = 1L;

    RequestInProgressException(boolean abandoned) {
        super(Kind.CONFLICT, abandoned
                ? "The first request with this Idempotency-Key never finished (the server may have stopped), so"
                        + " whether it made its change is unknown; check, and use a new key to try again."
                : "A request with this Idempotency-Key is still being processed; retry shortly to get its response.",
                abandoned ? null : Duration.ofSeconds(1));
    }
}
