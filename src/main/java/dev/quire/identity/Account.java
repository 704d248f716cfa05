package dev.quire.identity;

import java.time.Instant;

public record Account(AccountId id, String email, String displayName, Instant createdAt) {}
