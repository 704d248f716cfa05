package dev.quire.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Asks the database whether it answers, giving up after a deadline. Concurrent probes share one check in
 * flight, so a hanging database costs one waiting thread, not one per health request.
 */
public final class DatabaseProbe implements AutoCloseable {
    private final DataSource dataSource;
    private final Duration deadline;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        var thread = new Thread(task, "quire-database-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();

    public DatabaseProbe(DataSource dataSource, Duration deadline) {
        this.dataSource = dataSource;
        this.deadline = deadline;
    }

    /** True when a pooled connection was obtained and validated within the deadline. */
    public boolean answers() {
        var check = inFlight.get();
        if (check == null || check.isDone()) {
            var fresh = new CompletableFuture<Boolean>();
            if (inFlight.compareAndSet(check, fresh)) {
                // only the thread that installed the new future starts a check
                executor.execute(() -> fresh.complete(check()));
                check = fresh;
            } else {
                check = inFlight.get();
            }
        }
        try {
            return check.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean check() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid((int) Math.max(1, deadline.toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
