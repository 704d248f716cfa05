package dev.quire.limits;

/**
 * The buckets of one limit, one per key: each holds up to its capacity of tokens, starts full and gets taken
 * tokens back one at a time, evenly over the limit's window (a greedy refill, as Bucket4j's). A bucket nobody has
 * touched is full.
 */
public interface TokenBuckets {
    /** What {@code key}'s bucket holds now; takes nothing. {@link Probe#allowed()}: whether a take would succeed. */
    Probe peek(String key);

    /** Takes one token from {@code key}'s bucket if it has one. {@link Probe#allowed()}: whether it did. */
    Probe tryTake(String key);

    /** Puts back one token taken earlier; a bucket never holds more than its capacity. */
    void giveBack(String key);

    /**
     * @param allowed whether a token was (or could be) taken
     * @param remaining the tokens left in the bucket
     * @param nanosToWait when not allowed, how long until the bucket has a token again; otherwise 0
     */
    record Probe(boolean allowed, long remaining, long nanosToWait) {}
}
