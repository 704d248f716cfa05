package dev.quire.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On PostgreSQL, wakes this instance's {@link EventHub} when any instance's sequencer has positioned events: one
 * connection of its own (outside the pool, which it would hold forever) listening on {@link EventLog#channel()}.
 * When the connection is lost (a database restart) it reconnects, backing off to every 5 s, and wakes the hub once
 * connected again, so that what was positioned meanwhile is read: a lost notification delays an event, never loses it.
 */
public final class NotificationListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int WAIT_MILLIS = 5_000;

    private final String url;
    private final Properties credentials;
    private final EventHub hub;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    public NotificationListener(String url, String user, String password, EventHub hub) {
        this.url = url;
        this.credentials = new Properties();
        if (!user.isEmpty()) {
            credentials.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            credentials.setProperty("password", password);
        }
        this.hub = hub;
        this.thread = new Thread(this::run, "quire-event-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Duration backoff = Duration.ofMillis(250);
        boolean lost = false;
        while (running) {
            try (Connection listening = new org.postgresql.Driver().connect(url, credentials)) {
                connection = listening;
                try (Statement statement = listening.createStatement()) {
                    statement.execute("listen " + EventLog.channel());
                }
                if (lost) {
                    log.info("Listening for change events again");
                    lost = false;
                }
                backoff = Duration.ofMillis(250);
                hub.notified(); // what was positioned while no one listened
                var notifications = listening.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
                    if (received != null && received.length > 0) {
                        hub.notified();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!lost) {
                    lost = true;
                    log.warn("Lost the database connection that listens for change events; reconnecting: {}",
                            e.toString());
                }
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Connection listening = connection;
        if (listening != null) {
            try {
                listening.close();
            } catch (SQLException e) {
                // closing to stop: nothing to do
            }
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
