package dev.quire.limits;

import java.time.Duration;

/**
 * Where limits keep their buckets: {@link InMemoryBucketStore} (this instance only) or {@link JdbcBucketStore}
 * (every instance on the database). The composition root picks one per limit at start-up.
 */
public interface BucketStore {
    /**
     * The buckets of the limit {@code name}: {@code capacity} tokens per key, refilled over {@code window}. Two
     * limits of one store never share a bucket, whatever their keys.
     */
    TokenBuckets buckets(String name, int capacity, Duration window);
}
