package dev.quire.shared;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A rule of the service said no. Services throw subclasses; the HTTP layer turns the {@link Kind} into a
 * status in exactly one place, so services never know about HTTP.
 */
public abstract class DomainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        BAD_REQUEST, INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_FAILED,
        TOO_MANY_REQUESTS, UNAVAILABLE
    }

    private final Kind kind;
    private final transient Duration retryAfter;

    protected DomainException(Kind kind, String detail) {
        this(kind, detail, null);
    }

    /** @param retryAfter how long the caller should wait before trying again, for refusals that pass */
    protected DomainException(Kind kind, String detail, Duration retryAfter) {
        // rules failing is normal operation: no stack trace to fill
        super(detail, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The {@code WWW-Authenticate} challenge the answer carries in place of the default one (a 401's
     * {@code Bearer realm="quire"}), such as a 403's {@code error="insufficient_scope"}; empty for none.
     */
    public Optional<String> challenge() {
        return Optional.empty();
    }

    /** The fields or parameters at fault, each with what is wrong with it; empty when it is the whole request. */
    public List<FieldError> errors() {
        return List.of();
    }
}
