package dev.quire.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * Times every JDBC statement Quire runs, by kind (select, insert, update, delete, other) and outcome, through a
 * datasource-proxy wrapper around the pool: the stores stay unaware of it. Nanosecond timing, as most statements
 * finish well under a millisecond (datasource-proxy's own elapsed time counts whole milliseconds).
 */
public final class QueryTimings implements QueryExecutionListener {
    private static final String STARTED = "quire.started";
    private static final Duration[] BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofSeconds(1)};

    private record Series(String kind, boolean success) {}

    private final MeterRegistry registry;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    private QueryTimings(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code pool}, with each statement run through it timed into {@code registry}. */
    public static DataSource timed(DataSource pool, MeterRegistry registry) {
        return ProxyDataSourceBuilder.create("quire", pool).listener(new QueryTimings(registry)).build();
    }

    @Override
    public void beforeQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        execution.addCustomValue(STARTED, System.nanoTime());
    }

    @Override
    public void afterQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        Long started = execution.getCustomValue(STARTED, Long.class);
        if (started == null) {
            return;
        }
        String kind = queries.isEmpty() ? "other" : kind(queries.get(0).getQuery());
        timers.computeIfAbsent(new Series(kind, execution.isSuccess()), this::timer)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private static String kind(String sql) {
        String start = sql.stripLeading();
        int end = 0;
        while (end < start.length() && Character.isLetter(start.charAt(end))) {
            end++;
        }
        String keyword = start.substring(0, end).toLowerCase(Locale.ROOT);
        return switch (keyword) {
            case "select", "insert", "update", "delete" -> keyword;
            case "with" -> "select";
            default -> "other";
        };
    }

    private Timer timer(Series series) {
        return Timer.builder("quire.db.queries")
                .description("JDBC statements by kind and outcome, from execute to result")
                .tag("kind", series.kind())
                .tag("outcome", series.success() ? "success" : "error")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
