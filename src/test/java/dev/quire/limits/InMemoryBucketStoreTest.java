package dev.quire.limits;

import java.time.Clock;

/** The bucket store contract on Bucket4j's buckets in memory. */
class InMemoryBucketStoreTest extends BucketStoreContract {
    @Override
    BucketStore newStore(Clock clock) {
        return new InMemoryBucketStore(clock);
    }
}
