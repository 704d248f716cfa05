package dev.quire.metrics;

import dev.quire.db.Jdbc;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times the database work the stores do through {@link Jdbc}: each statement run on its own, by kind (select,
 * insert, update, delete, other), and each transaction as a whole, by outcome. Most statements finish well under
 * a millisecond, hence the sub-millisecond buckets.
 */
public final class QueryTimings implements Jdbc.Observer {
    private static final Duration[] BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofSeconds(1)};

    private record Series(String kind, boolean succeeded) {}

    private final MeterRegistry registry;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    public QueryTimings(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(String kind, long nanos, boolean succeeded) {
        timers.computeIfAbsent(new Series(kind, succeeded), this::timer).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(Series series) {
        return Timer.builder("quire.db.queries")
                .description("Statements run on their own, by kind, and transactions as a whole, by outcome")
                .tag("kind", series.kind())
                .tag("outcome", series.succeeded() ? "success" : "error")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
