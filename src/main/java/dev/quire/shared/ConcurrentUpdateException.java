package dev.quire.shared;

/**
 * Another writer changed the same thing between this write's read and its write; this one changed nothing. Two
 * writers based on one version can never both win.
 */
public final class ConcurrentUpdateException extends DomainException {
    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String what) {
        super(Kind.CONFLICT, what + " was changed by another request while this one was being applied; nothing was"
                + " changed. Fetch it again and retry.");
    }
}
