package dev.quire.shared;

/**
 * A rule of the service said no. Services throw subclasses; the HTTP layer turns the {@link Kind} into a
 * status in exactly one place, so services never know about HTTP.
 */
public abstract class DomainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind { BAD_REQUEST, INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;

    protected DomainException(Kind kind, String detail) {
        // rules failing is normal operation: no stack trace to fill
        super(detail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
