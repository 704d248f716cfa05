package dev.quire.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules of idempotent requests, on the real service with an in-memory store and a clock the tests move. */
class IdempotencyServiceTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final StoredResponse created = new StoredResponse(201, Map.of("Location", "/api/todos/todo_1", "ETag", "\"1\""),
            "{\"id\":\"todo_1\"}");
    InMemoryIdempotencyStore store;
    IdempotencyService keys;

    @BeforeEach
    void createService() {
        store = new InMemoryIdempotencyStore();
        keys = new IdempotencyService(store, clock);
    }

    @Test
    void theFirstRequestRunsAndItsRetriesGetItsResponse() {
        assertThat(keys.begin("acct_a", "key-1", "fp")).isEmpty();
        keys.complete("acct_a", "key-1", created);

        assertThat(keys.begin("acct_a", "key-1", "fp")).contains(created);
        assertThat(keys.begin("acct_a", "key-1", "fp")).contains(created);
    }

    @Test
    void aRetryWhileTheFirstRequestRunsIsToldToWait() {
        keys.begin("acct_a", "key-1", "fp");

        assertThatThrownBy(() -> keys.begin("acct_a", "key-1", "fp")).isInstanceOf(RequestInProgressException.class)
                .satisfies(e -> assertThat(((RequestInProgressException) e).retryAfter()).isPresent());
    }

    @Test
    void theKeyWithAnotherRequestIsRefused() {
        keys.begin("acct_a", "key-1", "fp");
        keys.complete("acct_a", "key-1", created);

        assertThatThrownBy(() -> keys.begin("acct_a", "key-1", "other-fp"))
                .isInstanceOf(IdempotencyKeyReusedException.class);
    }

    @Test
    void keysAreScopedPerAccount() {
        keys.begin("acct_a", "key-1", "fp");
        keys.complete("acct_a", "key-1", created);

        assertThat(keys.begin("acct_b", "key-1", "fp")).isEmpty();
    }

    @Test
    void aReleasedKeyRunsAfresh() {
        keys.begin("acct_a", "key-1", "fp");
        keys.release("acct_a", "key-1");

        assertThat(keys.begin("acct_a", "key-1", "a corrected request")).isEmpty();
    }

    @Test
    void aKeyExpiresAfter24HoursAndMayThenBeUsedAgain() {
        keys.begin("acct_a", "key-1", "fp");
        keys.complete("acct_a", "key-1", created);

        clock.advance(Duration.ofHours(24).minusMillis(1));
        assertThat(keys.begin("acct_a", "key-1", "fp")).contains(created);
        clock.advance(Duration.ofMillis(1));
        assertThat(keys.begin("acct_a", "key-1", "another request")).isEmpty();
    }

    @Test
    void aFirstRequestThatNeverAnsweredIsNeverRunAgain() {
        keys.begin("acct_a", "key-1", "fp");

        clock.advance(IdempotencyService.LEASE.minusMillis(1));
        assertThatThrownBy(() -> keys.begin("acct_a", "key-1", "fp")).isInstanceOf(RequestInProgressException.class)
                .hasMessageContaining("still being processed");
        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> keys.begin("acct_a", "key-1", "fp")).isInstanceOf(RequestInProgressException.class)
                .hasMessageContaining("never finished");
        clock.advance(Duration.ofHours(23));
        assertThatThrownBy(() -> keys.begin("acct_a", "key-1", "fp")).isInstanceOf(RequestInProgressException.class);
        // once the key has expired it is a new key
        clock.advance(Duration.ofHours(1));
        assertThat(keys.begin("acct_a", "key-1", "fp")).isEmpty();
    }

    @Test
    void expiredKeysArePurged() {
        keys.begin("acct_a", "old", "fp");
        keys.complete("acct_a", "old", created);
        clock.advance(Duration.ofHours(25));

        keys.begin("acct_a", "new", "fp");

        assertThat(store.find("acct_a", "old")).isEmpty();
    }
}
