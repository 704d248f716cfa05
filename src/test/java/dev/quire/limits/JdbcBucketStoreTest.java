package dev.quire.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The bucket store contract on a migrated H2 file database's rate_limit_buckets table; and what the table keeps. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcBucketStoreTest extends BucketStoreContract {
    private final List<Database> opened = new ArrayList<>();
    private Jdbc shared;

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    boolean onPostgres() {
        return false;
    }

    @Override
    BucketStore newStore(Clock clock) {
        if (shared == null) {
            shared = open();
        }
        return store(shared, 1000);
    }

    private JdbcBucketStore store(Jdbc jdbc, int purgeBatch) {
        return new JdbcBucketStore(jdbc, clock, purgeBatch, onPostgres());
    }

    /** A database of its own, for tests that count the table's rows. */
    private Jdbc open() {
        var database = testDatabase().open();
        opened.add(database);
        return new Jdbc(database.dataSource());
    }

    @AfterAll
    void close() {
        opened.forEach(Database::close);
    }

    @Test
    void theTableHoldsNeitherTheKeysNorTheLimitsNamesButFixedSizeHashes() {
        var jdbc = open();
        var limit = store(jdbc, 1000).buckets("sign-in", 3, WINDOW);

        limit.tryTake("a:192.0.2.1");
        limit.tryTake("e:ada@example.com");

        var keys = jdbc.list("select bucket_key from rate_limit_buckets", statement -> { },
                row -> row.getString("bucket_key"));
        assertThat(keys).hasSize(2).allSatisfy(stored -> {
            assertThat(stored).matches("[A-Za-z0-9_-]{43}");
            assertThat(stored).doesNotContain("192.0.2.1").doesNotContain("ada").doesNotContain("sign-in");
        });
    }

    @Test
    void bucketsFullAgainAreDeletedInBoundedBatchesAndOthersAreKept() {
        var jdbc = open();
        var limit = store(jdbc, 10).buckets("test", 3, WINDOW);
        for (int i = 0; i < 25; i++) {
            // one token each: full again 20 s later
            limit.tryTake("old-" + i);
        }
        clock.advance(Duration.ofSeconds(50));
        empty(limit, "recent");
        assertThat(rows(jdbc)).isEqualTo(26);

        clock.advance(Duration.ofSeconds(11));
        var counts = new ArrayList<Integer>();
        for (int i = 0; i < 4; i++) {
            limit.tryTake("new-" + i);
            counts.add(rows(jdbc));
        }

        // a minute after the first purge, batches of at most 10 while they come back full; then not for a minute
        assertThat(counts).containsExactly(26 - 10 + 1, 26 - 20 + 2, 1 + 3, 1 + 4);
        assertThat(limit.peek("recent").allowed()).isFalse();
    }

    private static void empty(TokenBuckets limit, String key) {
        for (int i = 0; i < 3; i++) {
            assertThat(limit.tryTake(key).allowed()).isTrue();
        }
    }

    private static int rows(Jdbc jdbc) {
        return jdbc.one("select count(*) from rate_limit_buckets", statement -> { }, row -> row.getInt(1))
                .orElseThrow();
    }
}
