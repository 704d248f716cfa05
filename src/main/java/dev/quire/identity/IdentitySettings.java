package dev.quire.identity;

import java.time.Duration;

/**
 * @param sessionTtl how long a session lasts from sign-in
 * @param failedSignInsPerMinute failed sign-ins allowed per minute per email and per client address
 * @param hashCost the Argon2id cost of password hashes
 */
public record IdentitySettings(Duration sessionTtl, int failedSignInsPerMinute, HashCost hashCost) {

    /** Argon2id memory (KiB), iterations and parallelism. */
    public record HashCost(int memoryKib, int iterations, int parallelism) {
        /** OWASP Password Storage Cheat Sheet's minimum for Argon2id: m = 19 MiB, t = 2, p = 1. */
        public static final HashCost OWASP = new HashCost(19 * 1024, 2, 1);

        /** Parses "memoryKib,iterations,parallelism", as the test harness passes a cheaper cost. */
        public static HashCost parse(String text) {
            String[] parts = text.split(",");
            return new HashCost(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        }
    }
}
