package dev.quire.shared;

import java.time.Duration;

/** The caller has used up an allowance; it may try again after {@code retryAfter}. */
public class TooManyRequestsException extends DomainException {
    private static final long serialVersionUID = 1L;

    public TooManyRequestsException(String detail, Duration retryAfter) {
        super(Kind.TOO_MANY_REQUESTS, detail, retryAfter);
    }
}
