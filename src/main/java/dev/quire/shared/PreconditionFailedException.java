package dev.quire.shared;

/** The client made its request conditional on a version (If-Match) that is no longer current: nothing changed. */
public final class PreconditionFailedException extends DomainException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String what) {
        super(Kind.PRECONDITION_FAILED, what + " has changed since the version named in If-Match; nothing was changed."
                + " Fetch it again and retry.");
    }
}
