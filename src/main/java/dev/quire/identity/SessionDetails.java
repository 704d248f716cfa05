package dev.quire.identity;

import java.time.Instant;

/**
 * One of an account's live sessions, as its holder sees it in a list. {@code lastUsedAt} moves at most once a minute;
 * {@code userAgent} and {@code clientAddress} are what the sign-in request said (either may be null); {@code current}
 * is true for the session that asks.
 */
public record SessionDetails(String id, Instant createdAt, Instant lastUsedAt, Instant expiresAt, String userAgent,
                             String clientAddress, boolean current) {}
