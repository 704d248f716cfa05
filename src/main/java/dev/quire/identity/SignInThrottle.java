package dev.quire.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Limits failed password checks per email and per client address with token buckets (Bucket4j). An attempt is
 * refused at once ({@link #check}) when either bucket is empty; otherwise, once it has its turn to hash, it takes
 * a token from both ({@link #begin}) and gives them back unless its password fails. So the limit holds exactly
 * however many attempts arrive at once, and sign-ins that succeed are never refused for arriving together (only
 * the few hashing at one moment hold a token). The address is checked first, so a client past its limit
 * creates no more per-email state. Buckets live in this instance's memory, bounded in number and key size, and
 * are forgotten after a minute unused (by then they are full again anyway).
 */
final class SignInThrottle {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_TRACKED = 50_000;

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

    /** An attempt that holds one token from each bucket until it is counted as failed or gives them back. */
    final class Attempt {
        private final Bucket email;
        private final Bucket address;

        private Attempt(Bucket email, Bucket address) {
            this.email = email;
            this.address = address;
        }

        /** The attempt did not fail on its password: it does not count against the limit. */
        void giveBack() {
            email.addTokens(1);
            address.addTokens(1);
        }
    }

    /**
     * Refuses an attempt before it waits for a turn to hash, when the address or the email has no failed attempts
     * left; takes nothing.
     *
     * @throws TooManySignInAttemptsException naming how long until one is back
     */
    void check(String emailKey, String clientAddress) {
        Bucket address = bucket("a:" + clientAddress);
        if (address.getAvailableTokens() < 1) {
            throw refused(address.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        }
        Bucket email = bucket("e:" + digest(emailKey));
        if (email.getAvailableTokens() < 1) {
            throw refused(email.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        }
    }

    /** @throws TooManySignInAttemptsException when the address or the email has no failed attempts left */
    Attempt begin(String emailKey, String clientAddress) {
        Bucket address = bucket("a:" + clientAddress);
        var byAddress = address.tryConsumeAndReturnRemaining(1);
        if (!byAddress.isConsumed()) {
            throw refused(byAddress.getNanosToWaitForRefill());
        }
        Bucket email = bucket("e:" + digest(emailKey));
        var byEmail = email.tryConsumeAndReturnRemaining(1);
        if (!byEmail.isConsumed()) {
            address.addTokens(1);
            throw refused(byEmail.getNanosToWaitForRefill());
        }
        return new Attempt(email, address);
    }

    private Bucket bucket(String key) {
        return buckets.get(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, WINDOW))
                .withCustomTimePrecision(time)
                .build());
    }

    /** Keys of one small, fixed size however long the address a client typed. */
    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static TooManySignInAttemptsException refused(long nanosToWait) {
        // whole seconds, rounded up, at least one: Retry-After cannot say "in 0.3 s"
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanosToWait + 999_999_999L));
        return new TooManySignInAttemptsException(Duration.ofSeconds(seconds));
    }
}
