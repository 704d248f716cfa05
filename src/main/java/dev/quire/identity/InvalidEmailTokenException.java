package dev.quire.identity;

import dev.quire.shared.DomainException;
import dev.quire.shared.FieldError;
import java.util.List;

/**
 * A mailed link's token proves nothing: unknown, expired, already used or replaced by a newer one. One answer for
 * all of these, so that the answer tells nothing about which.
 */
final class InvalidEmailTokenException extends DomainException {
    private static final long serialVersionUID = 1L;

    InvalidEmailTokenException(String detail) {
        super(Kind.INVALID, detail);
    }

    @Override
    public List<FieldError> errors() {
        return List.of(new FieldError("token", "is invalid, expired or already used"));
    }
}
