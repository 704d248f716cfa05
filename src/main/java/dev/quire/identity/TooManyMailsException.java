package dev.quire.identity;

import dev.quire.shared.TooManyRequestsException;
import java.time.Duration;

final class TooManyMailsException extends TooManyRequestsException {
    private static final long serialVersionUID = 1L;

    TooManyMailsException(Duration retryAfter) {
        super("Too many mails were asked for, for this account or email address or from this address; wait before"
                + " asking again.", retryAfter);
    }
}
