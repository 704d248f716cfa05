package dev.quire.events;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One open Server-Sent Events stream: the events of one stream that are one owner's (or public), written with the
 * servlet's non-blocking output, so no thread waits on a slow reader. What has not been written yet waits in a bounded
 * queue; a reader so slow that the queue fills is dropped (it can resume with Last-Event-ID).
 *
 * <p>A stream resuming from an id first replays from the log what it missed, a batch at a time as the connection
 * takes it; live events that arrive meanwhile are held and written after the replay, each event once and in order.
 */
final class EventStream implements EventHub.Subscriber, WriteListener, AsyncListener {
    /** How much may wait to be written before the reader is dropped as too slow. */
    static final int MAX_QUEUED_BYTES = 256 * 1024;
    /** Live events held while a replay runs, at most. */
    private static final int MAX_HELD = 2_000;
    private static final int REPLAY_BATCH = 200;
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private final EventStreams streams;
    private final EventLog log;
    private final AsyncContext async;
    private final ServletOutputStream out;
    final String stream;
    /** The account whose events these are, or null: public events. */
    final String owner;
    /** The account that opened the stream, for its limit; null when no one is signed in. */
    final String account;
    /** Whether the session that opened the stream still stands; null when no one is signed in. */
    private final BooleanSupplier live;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final ArrayDeque<StoredEvent> held = new ArrayDeque<>();
    private int queued;
    /** Bytes handed to the connection, for the access line written when the stream ends. */
    private volatile long written;
    /** Whether {@link #start} has run: the hub may hand out events between subscribing the stream and starting it. */
    private boolean started;
    private boolean replaying;
    private long replayAfter;
    private long replayUpTo;
    private long lastSent;
    private boolean closed;

    EventStream(EventStreams streams, EventLog log, AsyncContext async, ServletOutputStream out, String stream,
            String owner, String account, BooleanSupplier live) {
        this.streams = streams;
        this.log = log;
        this.async = async;
        this.out = out;
        this.stream = stream;
        this.owner = owner;
        this.account = account;
        this.live = live;
    }

    /**
     * Starts the stream: live from {@code subscribedAt} (the hub's position when it subscribed this stream), after
     * replaying what came after {@code resumeFrom}, or announcing a reset when that is too old to replay.
     */
    synchronized void start(String retry, Long resumeFrom, boolean reset, String collection, long subscribedAt) {
        if (closed) {
            return; // closed by closeAll between its registration and now: its response is complete
        }
        started = true;
        // the id of where the stream starts, so a client that drops before any event still resumes from here; not
        // while replaying, where the client's own id is the place to resume from
        boolean replay = resumeFrom != null && !reset;
        enqueue(("retry: " + retry + (replay || reset ? "" : "\nid: " + subscribedAt) + "\n: connected\n\n")
                .getBytes(StandardCharsets.UTF_8));
        // live events go on after the later of where this instance stood and where the client stands: a client
        // coming from an instance that is ahead of this one has already seen what this one has yet to hand out
        lastSent = replay ? Math.max(subscribedAt, resumeFrom) : subscribedAt;
        if (reset) {
            enqueue(("id: " + subscribedAt + "\nevent: reset\ndata: {\"reason\":\"The events after the id you resume"
                    + " from are no longer kept; fetch the collection again.\",\"collection\":\"" + collection
                    + "\"}\n\n").getBytes(StandardCharsets.UTF_8));
        } else if (resumeFrom != null) {
            replaying = true;
            replayAfter = resumeFrom;
            replayUpTo = subscribedAt;
            streams.replayed();
        }
        if (!replaying) {
            sendHeld();
        }
        out.setWriteListener(this);
    }

    @Override
    public void deliver(StoredEvent event) {
        if (!event.stream().equals(stream) || !Objects.equals(event.owner(), owner)) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            // before the start, an event would overtake the stream's first lines and its replay
            if (replaying || !started) {
                if (held.size() >= MAX_HELD) {
                    drop("slow");
                    return;
                }
                held.add(event);
                return;
            }
            send(event);
            pump();
        }
    }

    /**
     * A comment line every heartbeat, and the end of the stream when its session has ended (checked only if
     * {@code check}).
     *
     * @return false if the session could not be checked (the database is away)
     */
    boolean heartbeat(boolean check) {
        boolean ended = false;
        boolean checked = true;
        if (check && live != null) {
            try {
                ended = !live.getAsBoolean();
            } catch (RuntimeException e) {
                checked = false; // the database is away: the session is checked again at the next heartbeat
            }
        }
        synchronized (this) {
            if (closed) {
                return checked;
            }
            if (ended) {
                streams.ended();
                close();
                return checked;
            }
            enqueue(HEARTBEAT);
            pump();
        }
        return checked;
    }

    long bytesWritten() {
        return written;
    }

    @Override
    public synchronized void onWritePossible() throws IOException {
        pump();
    }

    /** Writes what the connection takes now; refills from the log while replaying. Called holding the lock. */
    private void pump() {
        try {
            while (!closed) {
                while (!queue.isEmpty() && out.isReady()) {
                    byte[] next = queue.poll();
                    queued -= next.length;
                    out.write(next);
                    written += next.length;
                }
                if (!queue.isEmpty() || !out.isReady()) {
                    return; // onWritePossible comes when the connection takes more
                }
                if (replaying) {
                    refill();
                    continue;
                }
                out.flush();
                return;
            }
        } catch (IOException | IllegalStateException e) {
            close(); // the reader went away
        }
    }

    private void refill() {
        var batch = log.read(stream, owner, replayAfter, replayUpTo, REPLAY_BATCH);
        for (StoredEvent event : batch) {
            send(event);
            replayAfter = event.position();
        }
        if (batch.size() < REPLAY_BATCH) {
            replaying = false;
            lastSent = Math.max(lastSent, replayUpTo);
            sendHeld();
        }
    }

    private void sendHeld() {
        while (!held.isEmpty() && !closed) {
            send(held.poll());
        }
    }

    private void send(StoredEvent event) {
        if (event.position() <= lastSent && !replaying) {
            return;
        }
        if (!replaying) {
            lastSent = event.position();
        }
        enqueue(("id: " + event.position() + "\nevent: " + event.type() + "\ndata: " + event.data() + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        streams.sent();
    }

    private void enqueue(byte[] bytes) {
        if (queued + bytes.length > MAX_QUEUED_BYTES) {
            drop("slow");
            return;
        }
        queue.add(bytes);
        queued += bytes.length;
    }

    private void drop(String why) {
        streams.dropped(why);
        close();
    }

    @Override
    public void onError(Throwable failure) {
        close();
    }

    /** Ends the stream: the connection closes, and the stream leaves the hub and the limits. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        held.clear();
        streams.closed(this);
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // already completed by the container (the reader went away)
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // nothing: the stream is started once
    }
}
