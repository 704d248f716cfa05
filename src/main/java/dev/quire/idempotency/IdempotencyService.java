package dev.quire.idempotency;

import dev.quire.db.Jdbc;
import dev.quire.idempotency.IdempotencyStore.KeyRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rules of idempotent requests: the first request with a key in a scope runs; a retry with the same
 * fingerprint gets its response again; the key with another request is refused (422), and so is a retry while the
 * first has not answered (409). A first request that never answers is never run again: its outcome is unknown.
 * Keys live 24 hours, in the database, so they hold across restarts and instances.
 */
public final class IdempotencyService {
    public static final Duration RETENTION = Duration.ofHours(24);
    /** How long a first request may take before its key is reported as unfinished rather than still running. */
    static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);
    private static final int ATTEMPTS = 3;

    private final IdempotencyStore store;
    private final Clock clock;
    private final AtomicLong nextPurgeMillis = new AtomicLong();

    IdempotencyService(IdempotencyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static IdempotencyService withJdbc(Jdbc jdbc) {
        return new IdempotencyService(new JdbcIdempotencyStore(jdbc), Clock.systemUTC());
    }

    /**
     * Claims {@code key} for the request with this fingerprint.
     *
     * @return empty when the caller now holds the key and should run the request (then {@link #complete} or
     *     {@link #release}); the first response when this is a retry of a request that has answered
     * @throws IdempotencyKeyReusedException when the key was used for a different request
     * @throws RequestInProgressException when the first request with the key is still running
     */
    public Optional<StoredResponse> begin(String scope, String key, String fingerprint) {
        Instant now = now();
        purgeExpired(now);
        var claim = new KeyRecord(scope, key, fingerprint, null, null, null, now.plus(LEASE), now.plus(RETENTION));
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (store.insert(claim)) {
                return Optional.empty();
            }
            var existing = store.find(scope, key);
            if (existing.isEmpty()) {
                continue; // deleted between our insert and our read: try the insert again
            }
            var found = existing.get();
            if (!found.expiresAt().isAfter(now)) {
                if (store.replace(found, claim)) {
                    return Optional.empty();
                }
                continue;
            }
            if (!found.fingerprint().equals(fingerprint)) {
                throw new IdempotencyKeyReusedException();
            }
            if (found.status() == null) {
                throw new RequestInProgressException(!found.lockedUntil().isAfter(now));
            }
            return Optional.of(new StoredResponse(found.status(), parseHeaders(found.headers()), found.body()));
        }
        throw new RequestInProgressException(false);
    }

    /** Keeps the response of the request that holds the key, for its retries to get again. */
    public void complete(String scope, String key, StoredResponse response) {
        store.complete(scope, key, response.status(), formatHeaders(response.headers()), response.body());
    }

    /** Gives the key up: the request was refused and changed nothing, so a corrected retry runs afresh. */
    public void release(String scope, String key) {
        store.delete(scope, key);
    }

    private void purgeExpired(Instant now) {
        long due = nextPurgeMillis.get();
        if (now.toEpochMilli() >= due && nextPurgeMillis.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            store.deleteExpired(now);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String formatHeaders(Map<String, String> headers) {
        var text = new StringBuilder();
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        return text.toString();
    }

    private static Map<String, String> parseHeaders(String text) {
        var headers = new LinkedHashMap<String, String>();
        if (text != null) {
            for (String line : text.split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    headers.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
        }
        return headers;
    }
}
