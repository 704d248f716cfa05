package dev.quire;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging set-up the configuration decides: logback.xml writes JSON lines to stdout; {@code QUIRE_LOG_FORMAT=text}
 * switches the same appender to one plain line per event for people reading a terminal.
 */
final class AppLogging {
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%X{requestId:-}] %logger{0} - %msg%n";
    private static final String APPENDER = "STDOUT";
    private static final String CONSOLE = "CONSOLE";

    private AppLogging() {}

    static void use(AppConfig.LogFormat format) {
        if (format != AppConfig.LogFormat.TEXT
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(APPENDER) instanceof BatchingAsyncAppender async)
                || !(async.getAppender(CONSOLE) instanceof OutputStreamAppender<ILoggingEvent> appender)) {
            root.warn("QUIRE_LOG_FORMAT=text ignored: logging has been configured without the {} appender", APPENDER);
            return;
        }
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
    }

    /**
     * Routes Jersey's java.util.logging output into SLF4J so it is JSON like the rest. Only Jersey's loggers
     * are touched: in a shared container, the JVM-wide root logger is not ours to change.
     *
     * @return undoes the bridge when the application stops
     */
    static AutoCloseable bridgeJersey() {
        var jersey = java.util.logging.Logger.getLogger("org.glassfish");
        var handler = new SLF4JBridgeHandler();
        jersey.addHandler(handler);
        jersey.setUseParentHandlers(false);
        // the lambda holds the JUL logger strongly, so its handler is not lost to garbage collection
        return () -> {
            jersey.removeHandler(handler);
            jersey.setUseParentHandlers(true);
        };
    }

    /** Stops logback when it belongs to this web application (WEB-INF/lib), flushing what is pending. */
    static void stopIfOwnedBy(ClassLoader webapp) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && LoggerContext.class.getClassLoader() == webapp) {
            context.stop();
        }
    }
}
