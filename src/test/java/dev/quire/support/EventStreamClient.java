package dev.quire.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Server-Sent Events client for tests, as a browser's EventSource reads a stream: events ({@code id:},
 * {@code event:}, {@code data:} lines ended by an empty line) go into a queue as they arrive; comment lines (the
 * heartbeats) are counted; the end of the stream is noticed. Each event keeps the moment it arrived.
 */
public final class EventStreamClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One event, and when it arrived ({@link System#nanoTime()}). */
    public record Event(long id, String type, String data, long arrivedNanos) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String retry;
    private volatile long lastEventId = -1;

    private EventStreamClient(HttpResponse<InputStream> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            var reader = new Thread(this::read, "event-stream-client");
            reader.setDaemon(true);
            reader.start();
        } else {
            ended.countDown();
        }
    }

    /**
     * Opens the stream at {@code uri} with these headers (an {@code Accept} among them replaces
     * {@code text/event-stream}); returns once the response's head has arrived.
     */
    public static EventStreamClient open(URI uri, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        headers.forEach(request::setHeader);
        try {
            return new EventStreamClient(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The body of a response that is not a stream (a problem), read whole. */
    public String body() {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String retry() {
        return retry;
    }

    /** The id of the last block that had one (an event, or the position a stream starts at); -1 before any. */
    public long lastEventId() {
        return lastEventId;
    }

    public int comments() {
        return comments.get();
    }

    /** The next event, waiting at most {@code timeout}; empty if none came. */
    public Optional<Event> poll(Duration timeout) {
        try {
            return Optional.ofNullable(events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The next {@code count} events, each within {@code timeout} of the one before; fails if one does not come. */
    public List<Event> take(int count, Duration timeout) {
        var taken = new ArrayList<Event>();
        for (int i = 0; i < count; i++) {
            int index = i;
            taken.add(poll(timeout).orElseThrow(() -> new AssertionError("event " + (index + 1) + " of " + count
                    + " did not come within " + timeout + "; got " + taken)));
        }
        return taken;
    }

    /** Events that have arrived and not been taken yet, without waiting. */
    public List<Event> drain() {
        var drained = new ArrayList<Event>();
        events.drainTo(drained);
        return drained;
    }

    /** Whether the server ended the stream within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) {
        try {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            long id = -1;
            String type = "message";
            var data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    // as EventSource does: a block without data only sets the last event id
                    if (id >= 0) {
                        lastEventId = id;
                    }
                    if (data.length() > 0) {
                        events.add(new Event(id, type, data.toString(), System.nanoTime()));
                    }
                    id = -1;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(6));
                } else if (line.startsWith("retry: ")) {
                    retry = line.substring(7);
                }
            }
        } catch (IOException e) {
            // the stream was cut (closed by the test, or by the server going away)
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // closing
        }
    }
}
