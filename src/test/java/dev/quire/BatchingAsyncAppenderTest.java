package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import dev.quire.support.Concurrently;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The appender every Quire log line goes through, in a logger context of the test's own: an output stream appender
 * with a buffer and no flush of its own behind it, as the console appender is configured in logback.xml.
 */
class BatchingAsyncAppenderTest {
    private static final String WORKER = "quire-log-writer";

    private final LoggerContext context = new LoggerContext();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Logger log = context.getLogger(BatchingAsyncAppenderTest.class);
    private final List<GatedAppender> gates = new ArrayList<>();

    BatchingAsyncAppenderTest() {
        context.setName("batching-test");
        context.setMDCAdapter(mdc);
        log.setAdditive(false);
    }

    @AfterEach
    void stopContext() {
        gates.forEach(gate -> gate.open.countDown());
        context.stop();  // stops the batching appender and its worker, if a test left them running
    }

    @Test
    void linesFromFourThreadsAreAllWrittenOnceEachInTheOrderEachThreadLoggedThem() throws Exception {
        var batching = start(batching(1 << 13, "%msg%n"));
        int threads = 4;
        int perThread = 5_000;

        Concurrently.run(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                log.info("t{} {}", t, i);
            }
            return null;
        });
        batching.stop();

        List<String> lines = lines();
        assertThat(lines).hasSize(threads * perThread).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + " ";
            List<String> own = lines.stream().filter(line -> line.startsWith(prefix)).toList();
            assertThat(own).as("thread %d's lines", t)
                    .containsExactlyElementsOf(IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList());
        }
    }

    @Test
    void aQuietAppendersOneLineIsFlushedThroughTheBufferWithinASecondWithoutAStop() {
        var batching = start(batching(1 << 13, "%msg%n"));

        log.info("the only line");

        // the BufferedOutputStream holds 8 KiB: the line is in `bytes` only if the batching appender flushed it
        awaitUntil(Duration.ofSeconds(1), () -> output().contains("the only line"));
        assertThat(output()).isEqualTo("the only line\n");
        assertThat(batching.isStarted()).isTrue();
    }

    @Test
    void aFullQueueMakesTheLoggingThreadWaitAndLosesNothing() throws Exception {
        var gate = gate();
        var batching = batching(1, "%msg%n");
        batching.addAppender(gate);
        start(batching);

        var logger = new Thread(() -> {
            log.info("one");
            log.info("two");
            log.info("three");
        }, "blocked-logger");
        logger.start();
        // the worker holds "one" at the gate and "two" fills the queue of one: "three" has nowhere to go
        awaitUntil(Duration.ofSeconds(1), () -> logger.getState() == Thread.State.WAITING);
        logger.join(200);

        assertThat(logger.isAlive()).as("the logging thread waits for room").isTrue();
        assertThat(logger.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
        assertThat(gate.messages).isEmpty();

        gate.open.countDown();
        logger.join(TimeUnit.SECONDS.toMillis(2));
        assertThat(logger.isAlive()).isFalse();
        awaitUntil(Duration.ofSeconds(1), () -> gate.messages.size() == 3);
        assertThat(gate.messages).containsExactly("one", "two", "three");
        awaitUntil(Duration.ofSeconds(1), () -> lines().size() == 3);
        assertThat(lines()).containsExactly("one", "two", "three");
    }

    @Test
    void stopWritesOutEverythingQueuedAndEndsTheWorkerThread() {
        var batching = batching(1 << 13, "%msg%n");
        batching.setLingerMillis(50);  // a worker lingering between batches when the stop comes
        Set<Thread> before = writerThreads();
        start(batching);
        Set<Thread> ours = writerThreads();
        ours.removeAll(before);
        assertThat(ours).as("the batching appender's own worker thread").hasSize(1);

        for (int i = 0; i < 1_000; i++) {
            log.info("line {}", i);
        }
        batching.stop();

        assertThat(lines()).containsExactlyElementsOf(IntStream.range(0, 1_000).mapToObj(i -> "line " + i).toList());
        assertThat(ours).noneMatch(Thread::isAlive);
        assertThat(batching.isStarted()).isFalse();
    }

    @Test
    void eachLineCarriesTheMdcThreadAndArgumentsOfTheMomentItWasLogged() throws Exception {
        var gate = gate();
        // the gate comes first: the worker holds the first event there while the logging thread moves on
        var batching = new BatchingAsyncAppender();
        batching.setContext(context);
        batching.setName("ASYNC");
        batching.addAppender(gate);
        batching.addAppender(outputAppender("%X{requestId} [%thread] %msg%n"));
        start(batching);

        var argument = new StringBuilder("first");
        var logger = new Thread(() -> {
            mdc.put("requestId", "a");
            log.info("{}", argument);
            awaitUntil(Duration.ofSeconds(1), () -> gate.waiting.getCount() == 0);
            mdc.put("requestId", "b");
            argument.replace(0, argument.length(), "changed");
            log.info("second");
        }, "request-thread");
        logger.start();
        logger.join(TimeUnit.SECONDS.toMillis(2));
        gate.open.countDown();

        awaitUntil(Duration.ofSeconds(1), () -> lines().size() == 2);
        assertThat(lines()).containsExactly("a [request-thread] first", "b [request-thread] second");
    }

    @Test
    void withoutAnAttachedAppenderItDoesNotStartAndLoggingToItDoesNothing() {
        var batching = new BatchingAsyncAppender();
        batching.setContext(context);
        batching.setName("ASYNC");
        Set<Thread> before = writerThreads();

        batching.start();
        log.addAppender(batching);
        log.info("nowhere to go");

        assertThat(batching.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anyMatch(status -> status.getLevel() == Status.ERROR && status.getOrigin() == batching
                        && status.getMessage().contains("No appender"));
        Set<Thread> after = writerThreads();
        after.removeAll(before);
        assertThat(after).as("no worker thread started").isEmpty();
    }

    @Test
    void anAppenderThatThrowsCostsOnlyItsOwnLineNotTheLinesAfterIt() {
        // logback's appender base classes catch their own failures; an appender built without them does not
        var failing = new AppenderBase<ILoggingEvent>() {
            @Override
            public void doAppend(ILoggingEvent event) {
                if (event.getMessage().equals("boom")) {
                    throw new IllegalStateException("cannot write this one");
                }
            }

            @Override
            protected void append(ILoggingEvent event) {}
        };
        failing.setContext(context);
        failing.setName("FAILING");
        failing.start();
        var batching = new BatchingAsyncAppender();
        batching.setContext(context);
        batching.setName("ASYNC");
        batching.addAppender(failing);
        batching.addAppender(outputAppender("%msg%n"));
        start(batching);

        log.info("before");
        log.info("boom");
        log.info("after");

        awaitUntil(Duration.ofSeconds(1), () -> lines().size() == 3);
        assertThat(lines()).containsExactly("before", "boom", "after");
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anyMatch(status -> status.getLevel() == Status.ERROR && status.getOrigin() == batching
                        && status.getThrowable() instanceof IllegalStateException);
    }

    /** A batching appender writing {@code pattern} lines into {@link #bytes}, not started yet. */
    private BatchingAsyncAppender batching(int queueSize, String pattern) {
        var batching = new BatchingAsyncAppender();
        batching.setContext(context);
        batching.setName("ASYNC");
        batching.setQueueSize(queueSize);
        batching.addAppender(outputAppender(pattern));
        return batching;
    }

    private BatchingAsyncAppender start(BatchingAsyncAppender batching) {
        batching.start();
        assertThat(batching.isStarted()).isTrue();
        log.addAppender(batching);
        return batching;
    }

    /** As the console appender in logback.xml: a buffer in front of the stream, and no flush after each line. */
    private Appender<ILoggingEvent> outputAppender(String pattern) {
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        var appender = new OutputStreamAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("OUT");
        appender.setEncoder(encoder);
        appender.setImmediateFlush(false);
        appender.setOutputStream(new BufferedOutputStream(bytes));
        appender.start();
        return appender;
    }

    private GatedAppender gate() {
        var gate = new GatedAppender();
        gate.setContext(context);
        gate.setName("GATE");
        gate.start();
        gates.add(gate);
        return gate;
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> lines() {
        String output = output();
        return output.isEmpty() ? List.of() : Arrays.asList(output.split("\n"));
    }

    private static Set<Thread> writerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(WORKER))
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** Waits until the condition holds or the time is up; the assertion that follows says what was wrong. */
    private static void awaitUntil(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Holds every event it is given until {@link #open} is counted down, then keeps its message. */
    private static final class GatedAppender extends AppenderBase<ILoggingEvent> {
        final CountDownLatch waiting = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            waiting.countDown();
            try {
                if (!open.await(10, TimeUnit.SECONDS)) {
                    return;  // a test that never opens the gate fails on its own assertions, not by hanging
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            messages.add(event.getFormattedMessage());
        }
    }
}
