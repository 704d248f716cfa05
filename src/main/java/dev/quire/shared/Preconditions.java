package dev.quire.shared;

import java.util.Set;

/**
 * The conditions a request puts on a resource's version (RFC 9110 section 13): If-Match names the versions it
 * may be at (none named: any), If-None-Match the versions it may not be at ({@code *}: any version at all).
 * Quire's versions are its entity tags: {@code "3"} is version 3.
 */
public record Preconditions(Set<Long> ifMatch, Set<Long> ifNoneMatch, boolean ifNoneMatchAny) {
    public static final Preconditions NONE = new Preconditions(null, Set.of(), false);

    public Preconditions {
        ifMatch = ifMatch == null ? null : Set.copyOf(ifMatch);
        ifNoneMatch = Set.copyOf(ifNoneMatch);
    }

    public boolean passesIfMatch(long version) {
        return ifMatch == null || ifMatch.contains(version);
    }

    public boolean passesIfNoneMatch(long version) {
        return !ifNoneMatchAny && !ifNoneMatch.contains(version);
    }

    /** Whether a write may go ahead on a resource at this version; if not, the answer is 412. */
    public boolean admitsWrite(long version) {
        return passesIfMatch(version) && passesIfNoneMatch(version);
    }

    /**
     * Checks a write against the resource's current version, before its content is looked at (RFC 9110).
     *
     * @throws PreconditionFailedException when the version fails the request's conditions
     */
    public void checkWrite(long version, String what) {
        if (!admitsWrite(version)) {
            throw new PreconditionFailedException(what);
        }
    }

    /**
     * The answer to a write that lost the race: another write got in between its read and its write. A request
     * conditional on the version it named (If-Match) now fails that condition, 412; an unconditional one gets 409.
     */
    public DomainException lostRace(String what) {
        return ifMatch != null ? new PreconditionFailedException(what) : new ConcurrentUpdateException(what);
    }
}
