package dev.quire.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's open event streams: opening them within the limits (per account, per instance), a heartbeat for
 * each (which also ends a stream whose session has ended), and closing them all at once when the process is told to
 * stop, so that they do not hold the container's drain for its whole period: their clients reconnect to another
 * instance and resume. Counts what it does in {@code /metrics}.
 */
public final class EventStreams implements AutoCloseable {
    /** Why a stream was refused: too many for the account (429) or for this instance (503). */
    public enum Refusal { ACCOUNT_LIMIT, INSTANCE_LIMIT }

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    /** How long a client waits before reconnecting, in the {@code retry:} hint. */
    static final String RETRY_MILLIS = "3000";

    private final EventLog events;
    private final EventHub hub;
    private final int perAccount;
    private final int perInstance;
    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
    /** Set when the process is told to stop: from then on a stream ends as soon as it opens. */
    private volatile boolean stopping;
    private final Map<String, Integer> perAccountOpen = new HashMap<>();
    private int opening;
    private final ScheduledExecutorService heartbeats;
    private final Thread stopHook;
    private final Counter sent;
    private final Counter replays;
    private final MeterRegistry registry;

    public EventStreams(EventLog events, EventHub hub, int perAccount, int perInstance, Duration heartbeat,
            MeterRegistry registry) {
        this.events = events;
        this.hub = hub;
        this.perAccount = perAccount;
        this.perInstance = perInstance;
        this.registry = registry;
        Gauge.builder("quire.event.streams.open", open, Set::size).description("Event streams open on this instance")
                .register(registry);
        this.sent = Counter.builder("quire.events.sent").description("Events written to event streams")
                .register(registry);
        this.replays = Counter.builder("quire.event.replays")
                .description("Event streams that resumed by replaying the events they missed").register(registry);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "quire-event-heartbeats");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
        // a container drains open requests for up to its stop timeout when told to stop: streams never end on their
        // own, so they are closed as soon as the process is asked to stop (SIGTERM, Ctrl+C)
        this.stopHook = new Thread(this::closeAll, "quire-event-streams-stop");
        Runtime.getRuntime().addShutdownHook(stopHook);
    }

    /**
     * Takes a place for a new stream of {@code account} (null: no one signed in), or says why there is none. The
     * place is the caller's until it opens the stream or gives it back with {@link #release}.
     */
    public synchronized Optional<Refusal> admit(String account) {
        if (open.size() + opening >= perInstance) {
            return Optional.of(Refusal.INSTANCE_LIMIT);
        }
        if (account != null && perAccountOpen.getOrDefault(account, 0) >= perAccount) {
            probe(account);
            return Optional.of(Refusal.ACCOUNT_LIMIT);
        }
        opening++;
        if (account != null) {
            perAccountOpen.merge(account, 1, Integer::sum);
        }
        return Optional.empty();
    }

    /**
     * A reader that has gone is only noticed when a write to it fails, which is the second write after it went (the
     * first still fills the socket's buffer): at an account's limit, its streams are written to now and a second
     * later, so the places of the gone ones are free well before the refused client retries.
     */
    private void probe(String account) {
        Runnable heartbeat = () -> open.stream().filter(stream -> account.equals(stream.account))
                .forEach(stream -> stream.heartbeat(false));
        heartbeats.execute(heartbeat);
        heartbeats.schedule(heartbeat, 1, TimeUnit.SECONDS);
    }

    /** Gives back a place {@link #admit} took, for a stream that did not open after all. */
    public synchronized void release(String account) {
        opening--;
        if (account != null) {
            perAccountOpen.computeIfPresent(account, (key, count) -> count == 1 ? null : count - 1);
        }
    }

    /**
     * Opens an admitted stream on a request already in async mode: {@code owner}'s events of {@code stream} (null:
     * public ones), replaying those after {@code resumeFrom} if given, or telling the client to start afresh when
     * they are no longer all kept.
     *
     * @param collection the path of the collection a client fetches again after a reset
     * @return how many bytes the stream has written so far
     */
    public LongSupplier open(AsyncContext async, String stream, String owner, String account, BooleanSupplier live,
            Long resumeFrom, String collection) throws IOException {
        var opened = new EventStream(this, events, async, async.getResponse().getOutputStream(), stream, owner,
                account, live);
        async.addListener(opened);
        long subscribedAt;
        synchronized (this) {
            opening--;
            open.add(opened);
        }
        subscribedAt = hub.subscribe(opened);
        boolean reset = false;
        if (resumeFrom != null) {
            var state = events.state();
            // events after the id may be gone, or the id is not one this log gave out
            reset = resumeFrom < state.purgedThrough() || resumeFrom > state.lastPosition();
        }
        opened.start(RETRY_MILLIS, resumeFrom, reset, collection, subscribedAt);
        if (stopping) {
            // opened while the process stops (on a connection kept alive through the container's drain, or admitted
            // just before closeAll): ended at once, or it would hold the drain; its client reconnects elsewhere. Not
            // refused: EventSource gives up for good on an answer other than 200, but reconnects after an end
            opened.close();
        }
        return opened::bytesWritten;
    }

    /**
     * A heartbeat on every stream. Once one session cannot be checked (the database is away), the rest of the round
     * goes unchecked: each check would wait for a connection in turn, and the heartbeats behind them would come too
     * late for a proxy that cuts a silent response (HAProxy's timeout server).
     */
    private void heartbeat() {
        boolean check = true;
        for (EventStream stream : open) {
            boolean checked = stream.heartbeat(check);
            check = check && checked;
        }
    }

    void closed(EventStream stream) {
        hub.unsubscribe(stream);
        synchronized (this) {
            if (open.remove(stream) && stream.account != null) {
                perAccountOpen.computeIfPresent(stream.account, (key, count) -> count == 1 ? null : count - 1);
            }
        }
    }

    void sent() {
        sent.increment();
    }

    void replayed() {
        replays.increment();
    }

    void dropped(String why) {
        Counter.builder("quire.event.streams.dropped").description("Event streams dropped by Quire, by reason")
                .tag("reason", why).register(registry).increment();
    }

    void ended() {
        dropped("session_ended");
    }

    /** Ends every open stream now, and every one that opens from now on as soon as it opens. */
    public void closeAll() {
        stopping = true;
        if (!open.isEmpty()) {
            log.info("Closing {} event streams", open.size());
        }
        open.forEach(EventStream::close);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopHook);
        } catch (IllegalStateException e) {
            // the JVM is already stopping: the hook runs
        }
        heartbeats.shutdownNow();
        closeAll();
    }
}
