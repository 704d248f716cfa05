package dev.quire.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.idempotency.IdempotencyStore.KeyRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every idempotency store must do, run against each implementation (in memory, H2, PostgreSQL). */
abstract class IdempotencyStoreContract {
    final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    IdempotencyStore store;
    String scope;

    abstract IdempotencyStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        scope = "acct_scope_" + System.nanoTime();
    }

    KeyRecord claim(String key, String fingerprint) {
        return new KeyRecord(scope, key, fingerprint, null, null, null, now.plusSeconds(60), now.plusSeconds(3600));
    }

    @Test
    void aKeyIsClaimedOncePerScope() {
        assertThat(store.insert(claim("k", "a"))).isTrue();
        assertThat(store.insert(claim("k", "b"))).isFalse();

        var other = new KeyRecord(scope + "-other", "k", "c", null, null, null, now, now.plusSeconds(1));
        assertThat(store.insert(other)).isTrue();
        assertThat(store.find(scope, "k")).contains(claim("k", "a"));
    }

    @Test
    void aCompletedKeyKeepsTheResponse() {
        store.insert(claim("k", "a"));
        String body = "{\"id\":\"todo_1\",\"title\":\"Ünïcödé ✓\"}" + "x".repeat(20_000);

        store.complete(scope, "k", 201, "Location: /api/todos/todo_1\nETag: \"1\"\n", body);

        var found = store.find(scope, "k").orElseThrow();
        assertThat(found.status()).isEqualTo(201);
        assertThat(found.headers()).isEqualTo("Location: /api/todos/todo_1\nETag: \"1\"\n");
        assertThat(found.body()).isEqualTo(body);
        assertThat(found.fingerprint()).isEqualTo("a");
    }

    @Test
    void aRowIsReplacedOnlyIfStillAsRead() {
        var first = claim("k", "a");
        store.insert(first);
        var second = new KeyRecord(scope, "k", "b", null, null, null, now.plusSeconds(120), now.plusSeconds(7200));
        var third = new KeyRecord(scope, "k", "c", null, null, null, now.plusSeconds(180), now.plusSeconds(7200));

        assertThat(store.replace(first, second)).isTrue();
        assertThat(store.replace(first, third)).isFalse();
        assertThat(store.find(scope, "k")).contains(second);
    }

    @Test
    void releasedAndExpiredKeysAreGone() {
        store.insert(claim("released", "a"));
        store.insert(new KeyRecord(scope, "expired", "a", 201, "", "{}", now, now.minusSeconds(1)));
        store.insert(claim("live", "a"));

        store.delete(scope, "released");
        assertThat(store.deleteExpired(now)).isGreaterThanOrEqualTo(1);

        assertThat(store.find(scope, "released")).isEmpty();
        assertThat(store.find(scope, "expired")).isEmpty();
        assertThat(store.find(scope, "live")).isPresent();
    }
}
