package dev.quire.identity;

import java.time.Instant;
import java.util.Set;

/**
 * An API key as its owner sees it in a list: never the secret, only its first characters ({@code prefix}) to tell
 * it apart. {@code lastUsedAt} is null until first use and moves at most once a minute; {@code expiresAt} is null
 * for a key that lasts until revoked.
 */
public record ApiKey(String id, String name, String prefix, Set<ApiScope> scopes, Instant createdAt,
                     Instant lastUsedAt, Instant expiresAt) {}
