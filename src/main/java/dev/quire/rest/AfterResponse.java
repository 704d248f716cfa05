package dev.quire.rest;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work to do once a response has ended: at once for an ordinary request, or, for a response that goes on after the
 * filter chain returns (an event stream), when it ends however it ends (completed, timed out, failed).
 */
public final class AfterResponse {
    private AfterResponse() {}

    /** Runs {@code task} once: now, or when {@code request}'s asynchronous response ends. */
    public static void run(ServletRequest request, Runnable task) {
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new Once(task));
        } else {
            task.run();
        }
    }

    private static final class Once implements AsyncListener {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Runnable task;

        Once(Runnable task) {
            this.task = task;
        }

        private void finish() {
            if (done.compareAndSet(false, true)) {
                task.run();
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            finish();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish();
        }

        @Override
        public void onError(AsyncEvent event) {
            finish();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
