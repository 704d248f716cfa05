package dev.quire;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.BufferedOutputStream;
import java.io.OutputStream;

/**
 * The console appender with a buffer of its own before stdout, whose stream flushes at every write: with
 * {@code immediateFlush} off, lines are gathered here and reach stdout when {@link BatchingAsyncAppender} flushes
 * after a batch, with one system call. (With {@code immediateFlush} on, its default, it writes each line at once,
 * like the console appender.) stdout is looked up at each write, as the console appender does, so a test that
 * replaces {@code System.out} still reads every line.
 */
public final class BufferedConsoleAppender extends ConsoleAppender<ILoggingEvent> {
    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void setOutputStream(OutputStream stream) {
        super.setOutputStream(stream instanceof BufferedOutputStream ? stream
                : new BufferedOutputStream(stream, BUFFER_BYTES));
    }
}
