package dev.quire.identity;

import java.time.Instant;
import java.util.List;

/** What a client asks for when it creates a key; checked by {@link IdentityService#createApiKey}. */
public record NewApiKey(String name, List<String> scopes, Instant expiresAt) {}
