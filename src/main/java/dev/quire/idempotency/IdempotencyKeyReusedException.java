package dev.quire.idempotency;

import dev.quire.shared.DomainException;
import dev.quire.shared.FieldError;
import java.util.List;

/** The key has been used for a different request (another body, path or content type). */
final class IdempotencyKeyReusedException extends DomainException {
    private static final long serialVersionUID = 1L;
    private static final String MESSAGE = "was already used for a different request; use a new key for a new request";

    IdempotencyKeyReusedException() {
        super(Kind.INVALID, "Idempotency-Key " + MESSAGE);
    }

    @Override
    public List<FieldError> errors() {
        return List.of(new FieldError("Idempotency-Key", MESSAGE));
    }
}
