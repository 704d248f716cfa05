package dev.quire.identity;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs work a moment after the request that asked for it has been answered, on one thread of its own. The moment
 * matters: work started at once competes for the CPU and the database with the very answer it must not be seen in
 * (measured: reset answers for known addresses ran ~1-2 ms slower in the median than for unknown ones on two cores),
 * while work started {@link #DELAY} later overlaps whatever requests happen to come then. At most {@code capacity}
 * tasks wait; more are refused.
 */
final class AfterTheAnswer implements Executor, AutoCloseable {
    static final Duration DELAY = Duration.ofMillis(250);

    private final ScheduledThreadPoolExecutor scheduler;
    private final AtomicInteger waiting = new AtomicInteger();
    private final int capacity;

    AfterTheAnswer(String threadName, int capacity) {
        this.capacity = capacity;
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            var thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @throws RejectedExecutionException when {@code capacity} tasks are already waiting, or after {@link #close} */
    @Override
    public void execute(Runnable task) {
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            throw new RejectedExecutionException("too many waiting");
        }
        try {
            scheduler.schedule(() -> {
                waiting.decrementAndGet();
                task.run();
            }, DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
            throw e;
        }
    }

    /** Runs what is waiting (for 5 s at most), then stops. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
