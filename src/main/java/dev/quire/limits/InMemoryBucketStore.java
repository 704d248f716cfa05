package dev.quire.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bucket4j buckets in this instance's memory: n instances allow n times each limit. Each limit keeps at most
 * {@value #MAX_TRACKED} keys and forgets a bucket after a window unused, when it would be full again anyway.
 */
public final class InMemoryBucketStore implements BucketStore {
    static final int MAX_TRACKED = 50_000;

    private final TimeMeter time;

    public InMemoryBucketStore(Clock clock) {
        // buckets refill on the given clock, so tests can let a minute pass without waiting for it
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    @Override
    public TokenBuckets buckets(String name, int capacity, Duration window) {
        return new Limit(capacity, window);
    }

    private final class Limit implements TokenBuckets {
        private final int capacity;
        private final Duration window;
        private final Cache<String, Bucket> buckets;

        Limit(int capacity, Duration window) {
            if (capacity < 1) {
                throw new IllegalArgumentException("A limit holds at least one token");
            }
            this.capacity = capacity;
            this.window = window;
            this.buckets = Caffeine.newBuilder()
                    .expireAfterAccess(window)
                    .maximumSize(MAX_TRACKED)
                    // maintenance on the calling thread: no tasks left in a shared pool when the application stops
                    .executor(Runnable::run)
                    .build();
        }

        @Override
        public Probe peek(String key) {
            Bucket bucket = bucket(key);
            long available = bucket.getAvailableTokens();
            return available >= 1
                    ? new Probe(true, available, 0)
                    : new Probe(false, 0, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        }

        @Override
        public Probe tryTake(String key) {
            var probe = bucket(key).tryConsumeAndReturnRemaining(1);
            return new Probe(probe.isConsumed(), probe.getRemainingTokens(),
                    probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
        }

        @Override
        public void giveBack(String key) {
            bucket(key).addTokens(1);
        }

        private Bucket bucket(String key) {
            return buckets.get(key, k -> Bucket.builder()
                    .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, window))
                    .withCustomTimePrecision(time)
                    .build());
        }
    }
}
