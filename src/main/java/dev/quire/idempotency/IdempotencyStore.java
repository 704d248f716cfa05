package dev.quire.idempotency;

import java.time.Instant;
import java.util.Optional;

/** Where keys and their responses are kept, one row per scope and key: the unique constraint decides races. */
interface IdempotencyStore {

    /**
     * @param status null while the first request runs; then its response: {@code headers} as "Name: value" lines
     * @param lockedUntil by when the first request should long have answered; after that it is reported unfinished
     */
    record KeyRecord(String scope, String key, String fingerprint, Integer status, String headers, String body,
                     Instant lockedUntil, Instant expiresAt) {}

    /** @return false when the scope already has this key */
    boolean insert(KeyRecord claim);

    Optional<KeyRecord> find(String scope, String key);

    /**
     * Replaces {@code stale} (an expired key) with {@code claim}, only if the row is still exactly as read.
     *
     * @return false when another request changed it first
     */
    boolean replace(KeyRecord stale, KeyRecord claim);

    void complete(String scope, String key, int status, String headers, String body);

    void delete(String scope, String key);

    /** @return how many keys had expired by {@code now} and were deleted */
    int deleteExpired(Instant now);
}
