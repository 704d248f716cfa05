package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.identity.IdentitySettings.HashCost;
import dev.quire.limits.InMemoryBucketStore;
import dev.quire.shared.UnavailableException;
import dev.quire.support.MutableClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void productionHashesAreArgon2idAtTheOwaspMinimumOrAbove() {
        var hasher = PasswordHasher.forThisMachine(HashCost.OWASP);

        String hash = hasher.hash("correct horse battery staple");

        assertThat(hash).startsWith("$argon2id$v=19$m=7168,t=5,p=1$").doesNotContain("correct horse");
        assertThat(hasher.verify("correct horse battery staple", hash)).isTrue();
        assertThat(hasher.verify("correct horse battery stapler", hash)).isFalse();
    }

    @Test
    void saltsDifferSoEqualPasswordsHashDifferently() {
        var hasher = new PasswordHasher(new HashCost(1024, 1, 1), 1, Duration.ofSeconds(5));

        assertThat(hasher.hash("same password")).isNotEqualTo(hasher.hash("same password"));
    }

    @Test
    void aHashMadeAtAnotherCostStillVerifies() {
        var cheap = new PasswordHasher(new HashCost(1024, 1, 1), 1, Duration.ofSeconds(5));
        var other = new PasswordHasher(new HashCost(2048, 2, 1), 1, Duration.ofSeconds(5));

        assertThat(other.verify("portable", cheap.hash("portable"))).isTrue();
        assertThat(other.verify("portable", "not a hash at all")).isFalse();
    }

    @Test
    void whenEveryTurnIsTakenACallerGivesUpWithA503InsteadOfQueueingForever() throws Exception {
        // one turn; the first hash is made deliberately slow so the second caller finds it taken
        var hasher = new PasswordHasher(new HashCost(64 * 1024, 4, 1), 1, Duration.ofMillis(50));
        var slow = CompletableFuture.runAsync(() -> hasher.hash("takes a while"));
        Thread.sleep(100);

        assertThatThrownBy(() -> hasher.hash("second")).isInstanceOf(UnavailableException.class)
                .satisfies(e -> assertThat(((UnavailableException) e).retryAfter()).isPresent());
        slow.get();
        assertThat(hasher.hash("third")).startsWith("$argon2id$");
    }

    /**
     * An unknown email must cost what a wrong password costs, or response times would tell which accounts
     * exist. Without the dummy verification the unknown-email path takes microseconds against tens of
     * milliseconds (a ratio near 0.01). What is compared is the CPU time of the signing-in thread (Argon2 with
     * p = 1 runs on it), which another process's load on this shared machine barely moves, unlike wall-clock time;
     * the two cases alternate, and the least CPU time each took must agree within a factor of three.
     */
    @Test
    void anUnknownEmailTakesAsLongAsAWrongPassword() {
        var store = new InMemoryIdentityStore();
        var clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
        var identity = new IdentityService(store, PasswordHasher.forThisMachine(HashCost.OWASP),
                PasswordPolicy.withBundledList(), new SignInThrottle(new InMemoryBucketStore(clock), 1000), clock,
                Duration.ofHours(1));
        identity.signUp(new NewAccount("ada@example.com", "correct horse battery staple", "Ada"));
        Runnable unknownEmail = () -> identity.signIn(new Credentials("nobody@example.com", "wrong guess"), "a");
        Runnable wrongPassword = () -> identity.signIn(new Credentials("ada@example.com", "wrong guess"), "b");
        timeFailure(unknownEmail);
        timeFailure(wrongPassword);

        var unknown = new ArrayList<Long>();
        var wrong = new ArrayList<Long>();
        for (int i = 0; i < 9; i++) {
            unknown.add(timeFailure(unknownEmail));
            wrong.add(timeFailure(wrongPassword));
        }

        // the least each took: other processes only ever add to a thread's CPU time (cache and memory contention)
        assertThat((double) Collections.min(unknown) / Collections.min(wrong))
                .as("unknown email %s ns against wrong password %s ns", unknown, wrong).isBetween(1 / 3.0, 3.0);
    }

    private static long timeFailure(Runnable failingSignIn) {
        var threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        assertThatThrownBy(failingSignIn::run).isInstanceOf(InvalidCredentialsException.class);
        return threads.getCurrentThreadCpuTime() - start;
    }
}
