package dev.quire.shared;

import java.time.Duration;

/** Something Quire depends on (the database, a bounded pool of workers) cannot serve now; retry shortly. */
public class UnavailableException extends DomainException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String detail, Duration retryAfter) {
        super(Kind.UNAVAILABLE, detail, retryAfter);
    }
}
