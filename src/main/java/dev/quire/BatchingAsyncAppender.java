package dev.quire;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands log events to one worker thread, which writes them to its appenders (the console) a batch at a time and
 * flushes once per batch. logback's own AsyncAppender does the same work but wakes its worker for nearly every
 * event and its console flushes (one {@code write(2)}) after each line: under load that was a tenth of a cheap
 * request's CPU time (docs/BENCHMARK.md). Here the worker, having written a batch, waits {@code lingerMillis}
 * before taking the next, so a busy server writes every few milliseconds a batch of lines with one system call, and
 * requests rarely have to wake it. A quiet server's line is written at once: the worker waits on the queue.
 *
 * <p>Nothing is dropped or reordered: a full queue makes the logging thread wait, and a stop writes out what is
 * queued. Events are encoded on the worker (the JSON encoder's per-thread buffers stay on a thread of Quire's own,
 * not on a container's request threads, which would outlive an undeployed Quire).
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private int lingerMillis = 2;
    private int maxFlushMillis = 5000;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread worker;
    private volatile boolean stopping;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setLingerMillis(int lingerMillis) {
        this.lingerMillis = lingerMillis;
    }

    public void setMaxFlushMillis(int maxFlushMillis) {
        this.maxFlushMillis = maxFlushMillis;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (!appenders.iteratorForAppenders().hasNext()) {
            addError("No appender to write to: add one with <appender-ref> in " + getName());
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        stopping = false;
        worker = new Thread(this::work, "quire-log-writer");
        worker.setDaemon(true);
        worker.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // the message, its arguments and the MDC as they are now, on the logging thread
        event.prepareForDeferredProcessing();
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(event);
                break;
            } catch (InterruptedException e) {
                interrupted = true;  // the line is not lost for that: try again, and keep the interrupt
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        var batch = new ArrayList<ILoggingEvent>();
        while (true) {
            try {
                ILoggingEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                write(batch);
                if (!stopping) {
                    Thread.sleep(lingerMillis);
                }
            } catch (InterruptedException e) {
                // stop() cuts a linger short; the loop goes on until the queue is empty
            }
        }
        queue.drainTo(batch);
        write(batch);
    }

    private void write(List<ILoggingEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        var targets = new ArrayList<Appender<ILoggingEvent>>();
        appenders.iteratorForAppenders().forEachRemaining(targets::add);
        // An exception escaping here would end the worker, and with it all logging: the queue would fill and every
        // thread that logs would wait for ever. logback's appender base classes catch their own failures, but not
        // every appender is built on them, so a failure costs one appender one line.
        for (ILoggingEvent event : batch) {
            for (Appender<ILoggingEvent> appender : targets) {
                try {
                    appender.doAppend(event);
                } catch (RuntimeException e) {
                    addError("Could not write a log line to " + appender.getName(), e);
                }
            }
        }
        batch.clear();
        for (Appender<ILoggingEvent> appender : targets) {
            if (appender instanceof OutputStreamAppender<ILoggingEvent> stream) {
                // read once: a restart of the appender (AppLogging swaps its encoder) sets it to null meanwhile
                OutputStream out = stream.getOutputStream();
                if (out == null) {
                    continue;
                }
                try {
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    addError("Could not flush " + stream.getName(), e);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();  // no new events from here on
        stopping = true;
        worker.interrupt();
        try {
            worker.join(maxFlushMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            addWarn("Still writing log lines after " + maxFlushMillis + " ms; leaving " + queue.size() + " unwritten");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
