package dev.quire.identity;

import dev.quire.shared.TooManyRequestsException;
import java.time.Duration;

final class TooManySignInAttemptsException extends TooManyRequestsException {
    private static final long serialVersionUID = 1L;

    TooManySignInAttemptsException(Duration retryAfter) {
        super("Too many failed sign-ins for this email address or from this address; wait before trying again.",
                retryAfter);
    }
}
