package dev.quire.idempotency;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The idempotency store in memory, for service tests; {@link IdempotencyStoreContract} holds it to the JDBC one. */
final class InMemoryIdempotencyStore implements IdempotencyStore {
    private final Map<String, KeyRecord> keys = new ConcurrentHashMap<>();

    private static String id(String scope, String key) {
        return scope + "\u0000" + key;
    }

    @Override
    public boolean insert(KeyRecord claim) {
        return keys.putIfAbsent(id(claim.scope(), claim.key()), claim) == null;
    }

    @Override
    public Optional<KeyRecord> find(String scope, String key) {
        return Optional.ofNullable(keys.get(id(scope, key)));
    }

    @Override
    public boolean replace(KeyRecord stale, KeyRecord claim) {
        return keys.replace(id(stale.scope(), stale.key()), stale, claim);
    }

    @Override
    public void complete(String scope, String key, int status, String headers, String body) {
        keys.computeIfPresent(id(scope, key), (k, old) -> new KeyRecord(old.scope(), old.key(), old.fingerprint(),
                status, headers, body, old.lockedUntil(), old.expiresAt()));
    }

    @Override
    public void delete(String scope, String key) {
        keys.remove(id(scope, key));
    }

    @Override
    public int deleteExpired(Instant now) {
        int before = keys.size();
        keys.values().removeIf(record -> !record.expiresAt().isAfter(now));
        return before - keys.size();
    }
}
