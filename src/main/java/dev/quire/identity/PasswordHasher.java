package dev.quire.identity;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.quire.identity.IdentitySettings.HashCost;
import dev.quire.shared.UnavailableException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id hashes in PHC string form ({@code $argon2id$v=19$m=7168,t=5,p=1$salt$hash}) through Password4j.
 * Hashing takes tens of milliseconds of CPU and 7 MiB of memory, so only a few run at once (half the cores:
 * a storm of sign-ins leaves the other half to every other request); a caller that cannot get a turn within
 * {@code maxWait} gets a 503 instead of waiting without end.
 */
final class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Duration RETRY_AFTER_BUSY = Duration.ofSeconds(1);

    private final Argon2Function argon2;
    private final Semaphore turns;
    private final Duration maxWait;
    /** Verified against when an email is unknown, so that answer takes as long as a wrong password. */
    private final String dummyHash;

    PasswordHasher(HashCost cost, int concurrency, Duration maxWait) {
        this.argon2 = Argon2Function.getInstance(cost.memoryKib(), cost.iterations(), cost.parallelism(), HASH_BYTES,
                Argon2.ID);
        this.turns = new Semaphore(concurrency, true);
        this.maxWait = maxWait;
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.dummyHash = Password.hash(Base64.getEncoder().encodeToString(random)).addRandomSalt(SALT_BYTES)
                .with(argon2).getResult();
    }

    static PasswordHasher forThisMachine(HashCost cost) {
        return new PasswordHasher(cost, Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                Duration.ofSeconds(5));
    }

    String hash(String password) {
        return inTurn(() -> Password.hash(password).addRandomSalt(SALT_BYTES).with(argon2).getResult());
    }

    /** True when {@code password} matches {@code hash}, whatever cost the hash was made with; waits for a turn. */
    boolean verify(String password, String hash) {
        return inTurn(() -> matches(password, hash));
    }

    /** {@link #verify} for a caller that already has its turn ({@link #inTurn}). */
    boolean matches(String password, String hash) {
        try {
            return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
        } catch (RuntimeException malformedHash) {
            return false;
        }
    }

    /** Spends the time of a real verification and fails, for sign-ins with an unknown email; needs a turn. */
    boolean matchesNothing(String password) {
        matches(password, dummyHash);
        return false;
    }

    /**
     * Runs {@code work} (which hashes) in one of the few turns to hash.
     *
     * @throws UnavailableException when no turn comes within the maximum wait
     */
    <T> T inTurn(java.util.function.Supplier<T> work) {
        try {
            if (!turns.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new UnavailableException("Too many passwords are being checked at once; retry shortly.",
                        RETRY_AFTER_BUSY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("Interrupted while waiting to check a password.", RETRY_AFTER_BUSY);
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }
}
