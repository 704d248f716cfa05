package dev.quire.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.limits.TokenBuckets.Probe;
import dev.quire.support.Concurrently;
import dev.quire.support.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every bucket store must do, run against each (in memory, H2, PostgreSQL): the same greedy token buckets,
 * whoever keeps them. Three tokens a minute: one comes back every 20 s.
 */
abstract class BucketStoreContract {
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration INTERVAL = Duration.ofSeconds(20);

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    BucketStore store;
    TokenBuckets buckets;
    /** Keys of their own per test, as the database outlives a test. */
    String key;

    abstract BucketStore newStore(Clock clock);

    @BeforeEach
    void setUp() {
        store = newStore(clock);
        buckets = store.buckets("test", 3, WINDOW);
        key = "key-" + System.nanoTime();
    }

    void empty(String key) {
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.tryTake(key).allowed()).isTrue();
        }
    }

    @Test
    void aBucketStartsFull() {
        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 3, 0));
    }

    @Test
    void takesUntilEmptyThenRefusesSayingWhenOneIsBack() {
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(true, 2, 0));
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(true, 1, 0));
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(true, 0, 0));

        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(false, 0, INTERVAL.toNanos()));
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(false, 0, INTERVAL.toNanos()));
    }

    @Test
    void peekingTakesNothingAndSaysWhenOneIsBack() {
        for (int i = 0; i < 5; i++) {
            assertThat(buckets.peek(key).allowed()).isTrue();
        }
        empty(key);
        clock.advance(Duration.ofSeconds(5));

        assertThat(buckets.peek(key)).isEqualTo(new Probe(false, 0, Duration.ofSeconds(15).toNanos()));
        assertThat(buckets.peek(key)).isEqualTo(new Probe(false, 0, Duration.ofSeconds(15).toNanos()));
    }

    @Test
    void oneTokenComesBackEveryWindowOverCapacity() {
        empty(key);

        clock.advance(INTERVAL.minusMillis(1));
        assertThat(buckets.tryTake(key).allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 1, 0));
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(true, 0, 0));
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(false, 0, INTERVAL.toNanos()));

        clock.advance(INTERVAL.multipliedBy(2));
        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 2, 0));
    }

    @Test
    void aBucketLeftAloneIsFullAgainAndNoFuller() {
        empty(key);

        clock.advance(Duration.ofMinutes(10));

        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 3, 0));
        empty(key);
        assertThat(buckets.tryTake(key).allowed()).isFalse();
    }

    @Test
    void aTokenGivenBackCanBeTakenAgainButABucketNeverHoldsMoreThanItsCapacity() {
        empty(key);
        buckets.giveBack(key);
        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 1, 0));
        assertThat(buckets.tryTake(key)).isEqualTo(new Probe(true, 0, 0));

        String full = key + "-full";
        buckets.giveBack(full);
        buckets.tryTake(full);
        buckets.giveBack(full);
        buckets.giveBack(full);

        assertThat(buckets.peek(full)).isEqualTo(new Probe(true, 3, 0));
        empty(full);
        assertThat(buckets.tryTake(full).allowed()).isFalse();
    }

    @Test
    void aTokenGivenBackKeepsTheRefillUnderWay() {
        empty(key);
        clock.advance(Duration.ofSeconds(15));

        buckets.giveBack(key);

        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 1, 0));
        clock.advance(Duration.ofSeconds(5));
        assertThat(buckets.peek(key)).isEqualTo(new Probe(true, 2, 0));
    }

    @Test
    void keysAndLimitsHaveBucketsOfTheirOwn() {
        empty(key);
        var other = store.buckets("other", 3, WINDOW);

        assertThat(buckets.tryTake(key).allowed()).isFalse();
        assertThat(buckets.peek(key + "-2")).isEqualTo(new Probe(true, 3, 0));
        assertThat(other.peek(key)).isEqualTo(new Probe(true, 3, 0));
        assertThat(other.tryTake(key)).isEqualTo(new Probe(true, 2, 0));
    }

    @Test
    void takesArrivingTogetherTakeExactlyTheCapacity() throws Exception {
        var limit = store.buckets("together", 5, WINDOW);

        var taken = Concurrently.run(16, i -> limit.tryTake(key).allowed());

        assertThat(taken.stream().filter(allowed -> allowed).count()).isEqualTo(5);
        assertThat(limit.peek(key).allowed()).isFalse();
    }

    @Test
    void firstTakesOfManyKeysArrivingTogetherAreEachCounted() throws Exception {
        var limit = store.buckets("first", 1, WINDOW);

        var taken = Concurrently.run(16, i -> limit.tryTake(key + "-" + (i % 4)).allowed());

        assertThat(taken.stream().filter(allowed -> allowed).count()).isEqualTo(4);
    }

    @Test
    void tokensGivenBackTogetherAreEachReturned() throws Exception {
        var limit = store.buckets("returned", 5, WINDOW);
        for (int i = 0; i < 5; i++) {
            limit.tryTake(key);
        }

        Concurrently.run(4, i -> {
            limit.giveBack(key);
            return null;
        });

        assertThat(limit.peek(key)).isEqualTo(new Probe(true, 4, 0));
    }
}
