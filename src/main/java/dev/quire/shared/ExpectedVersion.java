package dev.quire.shared;

import java.util.Set;

/**
 * The versions a write is conditional on, from the client's If-Match: any version (no If-Match, or {@code *}),
 * or one of a set. A write whose condition names versions and fails is refused with 412; an unconditional write
 * always applies to the latest version, so no update is ever lost.
 */
public record ExpectedVersion(Set<Long> versions) {
    public static final ExpectedVersion ANY = new ExpectedVersion(null);

    public ExpectedVersion {
        versions = versions == null ? null : Set.copyOf(versions);
    }

    public static ExpectedVersion oneOf(Set<Long> versions) {
        return new ExpectedVersion(versions);
    }

    public boolean isAny() {
        return versions == null;
    }

    public boolean admits(long version) {
        return versions == null || versions.contains(version);
    }
}
