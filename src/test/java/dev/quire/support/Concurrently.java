package dev.quire.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs calls from as many threads at once as possible, released together by one latch. */
public final class Concurrently {
    private Concurrently() {}

    /** Runs {@code call(0)} … {@code call(count - 1)} at once, and returns their results in index order. */
    public static <T> List<T> run(int count, IndexedCall<T> call) throws Exception {
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(count);
        try {
            var futures = new ArrayList<Future<T>>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return call.call(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            var results = new ArrayList<T>();
            for (var future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    public interface IndexedCall<T> {
        T call(int index) throws Exception;
    }
}
