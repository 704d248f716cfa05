package dev.quire.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Limits failed sign-ins per email and per client address with token buckets (Bucket4j): each attempt takes a
 * token from both before the password is checked, a successful one gives them back. Taking first makes the
 * limit hold however many attempts arrive at once. Buckets live in this instance's memory, bounded and
 * forgotten after a minute unused (by then they are full again anyway).
 */
final class SignInThrottle {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_TRACKED = 100_000;

    private final int perMinute;
    private final TimeMeter time;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(WINDOW)
            .maximumSize(MAX_TRACKED)
            // maintenance on the calling thread: no tasks left in a shared pool when the application stops
            .executor(Runnable::run)
            .build();

    SignInThrottle(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        // buckets refill on the service's clock, so tests can let a minute pass without waiting for it
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

    /** An attempt that has taken its tokens; call {@link #succeeded()} to give them back. */
    final class Attempt {
        private final Bucket email;
        private final Bucket address;

        private Attempt(Bucket email, Bucket address) {
            this.email = email;
            this.address = address;
        }

        void succeeded() {
            email.addTokens(1);
            address.addTokens(1);
        }
    }

    /** @throws TooManySignInAttemptsException when the email or the address has no failed attempts left */
    Attempt begin(String emailKey, String clientAddress) {
        Bucket email = bucket("email:" + emailKey);
        Bucket address = bucket("address:" + clientAddress);
        var byEmail = email.tryConsumeAndReturnRemaining(1);
        if (!byEmail.isConsumed()) {
            throw refused(byEmail.getNanosToWaitForRefill());
        }
        var byAddress = address.tryConsumeAndReturnRemaining(1);
        if (!byAddress.isConsumed()) {
            email.addTokens(1);
            throw refused(byAddress.getNanosToWaitForRefill());
        }
        return new Attempt(email, address);
    }

    private Bucket bucket(String key) {
        return buckets.get(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, WINDOW))
                .withCustomTimePrecision(time)
                .build());
    }

    private static TooManySignInAttemptsException refused(long nanosToWait) {
        // whole seconds, rounded up, at least one: Retry-After cannot say "in 0.3 s"
        return new TooManySignInAttemptsException(Duration.ofSeconds(Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L)));
    }
}
