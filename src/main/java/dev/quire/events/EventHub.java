package dev.quire.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's reader of the event log: one thread that, when woken, positions what has been written
 * ({@link EventLog#sequence}), reads every event after the last one it handed out, in position order, and hands each
 * to every subscriber. It is woken by this instance's writes ({@link #written}), by another instance's sequencer
 * (PostgreSQL's NOTIFY, through {@link NotificationListener}: {@link #notified}), and by a poll, which also positions
 * what an instance that died between commit and sequencing left behind: a lost wake-up delays an event by at most
 * the poll interval, never loses it. It purges what is past the retention now and then.
 */
public final class EventHub implements AutoCloseable {
    /** Takes the events the hub hands out; called on the hub's thread, in position order: must not block. */
    @FunctionalInterface
    public interface Subscriber {
        void deliver(StoredEvent event);
    }

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    private static final int READ_BATCH = 500;

    private final EventLog events;
    private final Duration poll;
    private final Duration purgeEvery;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Object wake = new Object();
    private final Thread thread;
    private boolean written;
    private boolean notified;
    private volatile boolean running = true;
    /** The last position handed out; subscribers get every event after the value {@link #subscribe} returned. */
    private long cursor;
    private long nextPurge;
    private boolean failing;

    /**
     * Starts the hub's thread, reading from the log's current end.
     *
     * @param poll how often the hub looks for events without being woken
     * @param purgeEvery how often it purges what is past the retention
     */
    public EventHub(EventLog events, Duration poll, Duration purgeEvery) {
        this.events = events;
        this.poll = poll;
        this.purgeEvery = purgeEvery;
        this.cursor = events.state().lastPosition();
        this.nextPurge = System.nanoTime();
        this.thread = new Thread(this::run, "quire-event-hub");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Adds a subscriber, which gets every event positioned after the returned position (the last one handed out so
     * far); what came before it, it reads from the log itself.
     */
    public long subscribe(Subscriber subscriber) {
        synchronized (subscribers) {
            subscribers.add(subscriber);
            return cursor;
        }
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /** This instance committed a change with its event: position it and hand it out. */
    public void written() {
        synchronized (wake) {
            written = true;
            wake.notifyAll();
        }
    }

    /** Another instance positioned events (or the listener reconnected and may have missed some): read them. */
    public void notified() {
        synchronized (wake) {
            notified = true;
            wake.notifyAll();
        }
    }

    private void run() {
        while (running) {
            boolean sequence;
            synchronized (wake) {
                if (!written && !notified) {
                    try {
                        wake.wait(poll.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                // a poll also positions what an instance that died after its commit left unpositioned
                sequence = written || !notified;
                written = false;
                notified = false;
            }
            if (!running) {
                return;
            }
            try {
                if (sequence) {
                    events.sequence();
                }
                handOut();
                purgeIfDue();
                if (failing) {
                    failing = false;
                    log.info("Reading change events again");
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    log.warn("Cannot read change events (retrying every {} s): {}", poll.toSeconds(), e.toString());
                }
            }
        }
    }

    private void handOut() {
        while (true) {
            List<StoredEvent> batch = events.read(cursor, Long.MAX_VALUE, READ_BATCH);
            if (batch.isEmpty()) {
                return;
            }
            synchronized (subscribers) {
                for (StoredEvent event : batch) {
                    for (Subscriber subscriber : subscribers) {
                        subscriber.deliver(event);
                    }
                    cursor = event.position();
                }
            }
        }
    }

    private void purgeIfDue() {
        if (System.nanoTime() - nextPurge >= 0) {
            nextPurge = System.nanoTime() + purgeEvery.toNanos();
            int purged = events.purge();
            if (purged > 0) {
                log.debug("Purged {} change events past the retention", purged);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
