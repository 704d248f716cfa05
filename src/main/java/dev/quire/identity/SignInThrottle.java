package dev.quire.identity;

import dev.quire.limits.BucketStore;
import dev.quire.limits.TokenBuckets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Limits failed password checks per email and per client address with token buckets. An attempt is refused at
 * once ({@link #check}) when either bucket is empty; otherwise, once it has its turn to hash, it takes a token from
 * both ({@link #begin}) and gives them back unless its password fails. So the limit holds exactly however many
 * attempts arrive at once, and sign-ins that succeed are never refused for arriving together (only the few hashing
 * at one moment hold a token). The address is checked first, so a client past its limit creates no more per-email
 * state. Where the buckets live is the store's business: this instance's memory, or the database every instance
 * shares.
 */
final class SignInThrottle {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final TokenBuckets buckets;

    SignInThrottle(BucketStore store, int perMinute) {
        this.buckets = store.buckets("sign-in", perMinute, WINDOW);
    }

    /** An attempt that holds one token from each bucket until it is counted as failed or gives them back. */
    final class Attempt {
        private final String email;
        private final String address;

        private Attempt(String email, String address) {
            this.email = email;
            this.address = address;
        }

        /** The attempt did not fail on its password: it does not count against the limit. */
        void giveBack() {
            buckets.giveBack(email);
            buckets.giveBack(address);
        }
    }

    /**
     * Refuses an attempt before it waits for a turn to hash, when the address or the email has no failed attempts
     * left; takes nothing.
     *
     * @throws TooManySignInAttemptsException naming how long until one is back
     */
    void check(String emailKey, String clientAddress) {
        var address = buckets.peek(addressKey(clientAddress));
        if (!address.allowed()) {
            throw refused(address.nanosToWait());
        }
        var email = buckets.peek(emailKey(emailKey));
        if (!email.allowed()) {
            throw refused(email.nanosToWait());
        }
    }

    /** @throws TooManySignInAttemptsException when the address or the email has no failed attempts left */
    Attempt begin(String emailKey, String clientAddress) {
        String address = addressKey(clientAddress);
        var byAddress = buckets.tryTake(address);
        if (!byAddress.allowed()) {
            throw refused(byAddress.nanosToWait());
        }
        String email = emailKey(emailKey);
        TokenBuckets.Probe byEmail;
        try {
            byEmail = buckets.tryTake(email);
        } catch (RuntimeException failed) {
            // the store failed (the database is down): this attempt checks no password, so it should not count
            giveBackAfter(failed, address);
            throw failed;
        }
        if (!byEmail.allowed()) {
            buckets.giveBack(address);
            throw refused(byEmail.nanosToWait());
        }
        return new Attempt(email, address);
    }

    private void giveBackAfter(RuntimeException failed, String key) {
        try {
            buckets.giveBack(key);
        } catch (RuntimeException alsoFailed) {
            // the token stays taken: in an outage the limit errs on the side of counting
            failed.addSuppressed(alsoFailed);
        }
    }

    private static String addressKey(String clientAddress) {
        return "a:" + clientAddress;
    }

    /** Keys of one small, fixed size however long the address a client typed. */
    private static String emailKey(String emailKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(emailKey.getBytes(StandardCharsets.UTF_8));
            return "e:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
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
