package dev.quire.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets (Bucket4j) for the API's request limits, one per client address, per account and (for sign-ups)
 * per address, each refilled greedily over a minute. They live in this instance's memory, bounded in number, and
 * are forgotten after a minute unused, when they would be full again anyway: n instances allow n times the limit.
 */
public final class RateLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_TRACKED = 100_000;

    /** A limit of {@code perMinute} requests per key; 0 means none. Its name is the IETF policy's name. */
    public record Policy(String name, int perMinute) {
        public boolean isOff() {
            return perMinute == 0;
        }

        /** The {@code RateLimit-Policy} item: {@code "address";q=1200;w=60}. */
        String header() {
            return "\"" + name + "\";q=" + perMinute + ";w=" + WINDOW.toSeconds();
        }
    }

    /** What a request was told: whether it may go on, how many are left, and how long until the bucket is full. */
    public record Verdict(Policy policy, boolean allowed, long remaining, long secondsToWait, long secondsToFull) {
        /** The {@code RateLimit} item: {@code "address";r=1199;t=1}. */
        String header() {
            return "\"" + policy.name() + "\";r=" + remaining + ";t=" + secondsToFull;
        }
    }

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(WINDOW)
            .maximumSize(MAX_TRACKED)
            // maintenance on the calling thread: no tasks left in a shared pool when the application stops
            .executor(Runnable::run)
            .build();

    /** Takes one request from {@code key}'s bucket under {@code policy}. */
    public Verdict take(Policy policy, String key) {
        Bucket bucket = buckets.get(policy.name() + ":" + key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(policy.perMinute()).refillGreedy(policy.perMinute(), WINDOW))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long missing = policy.perMinute() - probe.getRemainingTokens();
        // a greedy refill adds one token every window / limit: the bucket is full again after that many of them
        long secondsToFull = ceilSeconds(missing * WINDOW.toNanos() / policy.perMinute());
        return new Verdict(policy, probe.isConsumed(), probe.getRemainingTokens(),
                Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill())), secondsToFull);
    }

    private static long ceilSeconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L);
    }
}
