package dev.quire.shared;

/** Other writers kept changing the same thing while this write was being applied; nothing was changed. */
public final class ConcurrentUpdateException extends DomainException {
    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String what) {
        super(Kind.CONFLICT, what + " kept changing while this update was being applied; nothing was changed. Retry.");
    }
}
