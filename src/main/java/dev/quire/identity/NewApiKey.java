package dev.quire.identity;

import java.util.List;

/**
 * What a client asks for when it creates a key, as it wrote it; checked by {@link IdentityService#createApiKey}.
 *
 * @param expiresAt an RFC 3339 timestamp, or null
 */
public record NewApiKey(String name, List<String> scopes, String expiresAt) {}
