package dev.quire.identity;

import java.time.Instant;

/**
 * @param emailVerified whether {@code email} was confirmed by following a link mailed to it
 * @param pendingEmail an address the holder asked to change to and has not confirmed yet; null when none
 */
public record Account(AccountId id, String email, String displayName, Instant createdAt, boolean emailVerified,
                      String pendingEmail) {

    /** An account whose email is not verified and has no change pending. */
    public Account(AccountId id, String email, String displayName, Instant createdAt) {
        this(id, email, displayName, createdAt, false, null);
    }
}
