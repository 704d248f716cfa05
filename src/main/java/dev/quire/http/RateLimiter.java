package dev.quire.http;

import dev.quire.limits.BucketStore;
import dev.quire.limits.TokenBuckets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One of the API's request limits: a token bucket per key (client address or account) of {@code perMinute}
 * requests, refilled greedily over a minute, in the store it was given (this instance's memory, or the database
 * all instances share).
 */
public final class RateLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);

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

    private final Policy policy;
    /** None when the limit is off. */
    private final TokenBuckets buckets;

    /** @param perMinute 0 switches the limit off */
    public RateLimiter(String name, int perMinute, BucketStore store) {
        this.policy = new Policy(name, perMinute);
        this.buckets = policy.isOff() ? null : store.buckets(name, perMinute, WINDOW);
    }

    Policy policy() {
        return policy;
    }

    boolean isOff() {
        return buckets == null;
    }

    /** Takes one request from {@code key}'s bucket. Not for a limit that is off. */
    Verdict take(String key) {
        var probe = buckets.tryTake(key);
        long missing = policy.perMinute() - probe.remaining();
        // a greedy refill adds one token every window / limit: the bucket is full again after that many of them
        long secondsToFull = ceilSeconds(missing * WINDOW.toNanos() / policy.perMinute());
        return new Verdict(policy, probe.allowed(), probe.remaining(),
                Math.max(1, ceilSeconds(probe.nanosToWait())), secondsToFull);
    }

    private static long ceilSeconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L);
    }
}
