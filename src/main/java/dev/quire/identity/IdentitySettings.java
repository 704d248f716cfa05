package dev.quire.identity;

import java.time.Duration;

/**
 * @param sessionTtl how long a session lasts from sign-in
 * @param failedSignInsPerMinute failed sign-ins allowed per minute per email and per client address
 * @param hashCost the Argon2id cost of password hashes
 * @param requireVerifiedEmail whether only accounts with a verified email may sign in
 * @param mailsPerHour mails a client may ask for per hour: verification mails per account, password resets per
 *     email address and per client address
 */
public record IdentitySettings(Duration sessionTtl, int failedSignInsPerMinute, HashCost hashCost,
                               boolean requireVerifiedEmail, int mailsPerHour) {
    public static final int DEFAULT_MAILS_PER_HOUR = 5;

    public IdentitySettings(Duration sessionTtl, int failedSignInsPerMinute, HashCost hashCost) {
        this(sessionTtl, failedSignInsPerMinute, hashCost, false, DEFAULT_MAILS_PER_HOUR);
    }

    /** Argon2id memory (KiB), iterations and parallelism. */
    public record HashCost(int memoryKib, int iterations, int parallelism) {
        /**
         * One of the OWASP Password Storage Cheat Sheet's minimum configurations for Argon2id, which it rates as
         * equally strong: m = 7 MiB, t = 5, p = 1. Of them, the one with least memory: a hash's memory is garbage
         * the moment it ends, and m = 19 MiB (t = 2) filled a small heap fast enough under a sign-in storm to cause
         * 60 ms full collections that every other request waited through. Hashes made with other settings (the
         * earlier m = 19 MiB, t = 2) keep verifying: their settings are in the hash.
         */
        public static final HashCost OWASP = new HashCost(7 * 1024, 5, 1);

        /** Parses "memoryKib,iterations,parallelism", as the test harness passes a cheaper cost. */
        public static HashCost parse(String text) {
            String[] parts = text.split(",");
            return new HashCost(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        }
    }
}
