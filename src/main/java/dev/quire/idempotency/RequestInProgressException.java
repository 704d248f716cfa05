package dev.quire.idempotency;

import dev.quire.shared.DomainException;
import java.time.Duration;

/** The first request with this key has not finished yet; retry once it has, to get its response. */
public final class RequestInProgressException extends DomainException {
    private static final long serialVersionUID = 1L;

    RequestInProgressException() {
        super(Kind.CONFLICT, "A request with this Idempotency-Key is still being processed; retry shortly to get its"
                + " response.", Duration.ofSeconds(1));
    }
}
