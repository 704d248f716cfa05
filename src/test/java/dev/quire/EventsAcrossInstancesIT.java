package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Balancer;
import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.EventStreamClient;
import dev.quire.support.EventStreamClient.Event;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.Identities.Caller;
import dev.quire.support.PostgresServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Change events across instances, as docker/compose.scale.yaml runs them: two Jetty 12 distributions with the WAR
 * (A and B) on one PostgreSQL of the test's own (it is restarted here), and HAProxy with the shipped
 * docker/haproxy/haproxy.cfg in front. An instance learns of another's events through PostgreSQL's NOTIFY, and of
 * any it missed by its 2 s poll; the events are read from the database, in position order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsAcrossInstancesIT {
    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    /** Long enough for three heartbeats (every 15 s) on a stream no event comes to. */
    private static final Duration IDLE = Duration.ofSeconds(45);

    PostgresServer postgres;
    String databaseUrl;
    Container a;
    Container b;
    Balancer balancer;
    Http viaA;
    Http viaB;
    Caller idler;
    EventStreamClient idleStream;
    long idleOpened;

    @BeforeAll
    void start() throws Exception {
        postgres = PostgresServer.startNew();
        databaseUrl = postgres.createDatabase();
        // all clients are 127.0.0.1, so the per-address limits would count them as one; the resuming readers
        // below open streams faster than closed ones are noticed (at their next write)
        var settings = Map.of("QUIRE_DB_URL", databaseUrl, "QUIRE_SIGNIN_LIMIT", "1000", "QUIRE_SIGNUP_LIMIT", "1000",
                "QUIRE_RATE_LIMIT", "0", "QUIRE_TRUSTED_PROXIES", "127.0.0.1", "QUIRE_STREAMS_PER_ACCOUNT", "100");
        var first = CompletableFuture.supplyAsync(() -> Container.start(Distribution.JETTY_12, settings));
        var second = CompletableFuture.supplyAsync(() -> Container.start(Distribution.JETTY_12, settings));
        a = first.get(3, TimeUnit.MINUTES);
        b = second.get(3, TimeUnit.MINUTES);
        viaA = a.http();
        viaB = b.http();
        balancer = Balancer.start(a, b);

        // held through HAProxy while the other tests run, and looked at once it has been idle long enough
        idler = new Identities(viaA).newCaller("Idle");
        idleStream = open(balancer.baseUri(), "/api/todos/events", idler, null, "idle-stream");
        idleOpened = System.nanoTime();
    }

    @AfterAll
    void stop() {
        if (idleStream != null) {
            idleStream.close();
        }
        if (balancer != null) {
            balancer.close();
        }
        for (Container container : new Container[] {a, b}) {
            if (container != null) {
                container.close();
            }
        }
        if (postgres != null) {
            postgres.destroy();
        }
    }

    /**
     * Four writers make 500 changes to one account's todos through A (a create, two updates and a delete in turn,
     * each writer pausing 20 ms between its changes), while that account's stream is held on B directly and twice
     * through HAProxy (round-robin: one lands on each instance). Each stream gets each acknowledged change's event
     * exactly once, ids rising, and nothing else; on B, 99 % arrive within 500 ms of A's answer to the write.
     */
    @Test
    @Order(1)
    void fiveHundredChangesThroughAReachAStreamOnBOnceEachInOrderWithinHalfASecond() throws Exception {
        var caller = new Identities(viaA).newCaller("Latency");
        var streams = new LinkedHashMap<String, EventStreamClient>();
        streams.put("B", open(b.baseUri(), "/api/todos/events", caller, null, null));
        for (int i = 1; i <= 2; i++) {
            double onA = streamsOpen(viaA);
            var stream = open(balancer.baseUri(), "/api/todos/events", caller, null, null);
            streams.put("HAProxy " + i + " to " + (streamsOpen(viaA) > onA ? "A" : "B"), stream);
        }

        var acknowledged = new ConcurrentHashMap<Change, Long>();
        var writers = Executors.newFixedThreadPool(4);
        long writing = System.nanoTime();
        try {
            var work = new ArrayList<Future<?>>();
            for (int writer = 0; writer < 4; writer++) {
                var todos = new TodoWriter(viaA, caller, "w" + writer, acknowledged);
                // a steady flow rather than as fast as the machine goes: what is measured is delivery, not a queue
                work.add(writers.submit(() -> todos.changes(125, Duration.ofMillis(20))));
            }
            for (var done : work) {
                done.get(3, TimeUnit.MINUTES);
            }
        } finally {
            writers.shutdownNow();
        }
        double seconds = (System.nanoTime() - writing) / 1e9;
        assertThat(acknowledged).hasSize(500);

        var received = new LinkedHashMap<String, List<Event>>();
        for (var stream : streams.entrySet()) {
            received.put(stream.getKey(), collect(stream.getValue(), acknowledged.keySet(), EventsAcrossInstancesIT::todoChange));
            stream.getValue().close();
        }
        for (var stream : received.entrySet()) {
            assertOnceInOrder(stream.getKey(), stream.getValue(), acknowledged.keySet(), EventsAcrossInstancesIT::todoChange);
        }

        var latency = latencies(received.get("B"), acknowledged, EventsAcrossInstancesIT::todoChange);
        var report = new StringBuilder();
        received.forEach((where, events) -> report.append("; on ").append(where).append(": ")
                .append(latencies(events, acknowledged, EventsAcrossInstancesIT::todoChange)));
        System.out.printf("events across instances: 500 changes through A in %.1f s (4 writers, load average %.1f)%s%n",
                seconds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), report);
        assertThat(latency.p99()).as("p99 delivery latency on B, ms: %s", latency).isLessThanOrEqualTo(500);
    }

    /**
     * While two writers keep changing todos through A, the stream on B is cut after 100 events and resumed through A
     * with Last-Event-ID, then cut there after 100 more and resumed on B, straight away (B learns of A's events a few
     * milliseconds after A does). Across the three connections every change arrives once, ids rising, none missing.
     */
    @Test
    @Order(2)
    void aStreamCutOnBResumesThroughAWithLastEventIdWithoutGapOrDuplicate() throws Exception {
        var caller = new Identities(viaA).newCaller("Resumer");
        var acknowledged = new ConcurrentHashMap<Change, Long>();
        var writing = new AtomicBoolean(true);
        var writers = Executors.newFixedThreadPool(2);
        var received = new ArrayList<Event>();
        var connections = new ArrayList<String>();
        try {
            var onB = open(b.baseUri(), "/api/todos/events", caller, null, null);
            var work = new ArrayList<Future<?>>();
            for (int writer = 0; writer < 2; writer++) {
                var todos = new TodoWriter(viaA, caller, "r" + writer, acknowledged);
                work.add(writers.submit(() -> todos.changesWhile(writing, Duration.ofMillis(5))));
            }
            received.addAll(takeAndCut(onB, 100));
            long cutOnB = last(received);
            connections.add("B until " + cutOnB);
            Thread.sleep(300); // the writers go on meanwhile: there is something to replay

            var onA = open(a.baseUri(), "/api/todos/events", caller, cutOnB, null);
            received.addAll(takeAndCut(onA, 100));
            long cutOnA = last(received);
            connections.add("A until " + cutOnA);

            var onBAgain = open(b.baseUri(), "/api/todos/events", caller, cutOnA, null);
            Thread.sleep(500);
            writing.set(false);
            for (var done : work) {
                done.get(1, TimeUnit.MINUTES);
            }
            received.addAll(collect(onBAgain, Set.copyOf(acknowledged.keySet()), EventsAcrossInstancesIT::todoChange,
                    received));
            onBAgain.close();
            connections.add("B until " + last(received));
        } finally {
            writing.set(false);
            writers.shutdownNow();
        }

        System.out.printf("events across instances: %d changes through A, read over %s%n", acknowledged.size(),
                connections);
        assertOnceInOrder("B, then A, then B", received, acknowledged.keySet(), EventsAcrossInstancesIT::todoChange);
    }

    /**
     * The stream opened through HAProxy before the other tests has had no event for 45 s: HAProxy's timeouts (30 s)
     * are above Quire's 15 s heartbeat, so it is still open, has had its heartbeats, and takes the next event.
     */
    @Test
    @Order(3)
    void aStreamThroughHaproxyWithNoEventsOutlivesItsTimeoutsOnHeartbeats() throws Exception {
        long idleFor = System.nanoTime() - idleOpened;
        if (idleFor < IDLE.toNanos()) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(IDLE.toNanos() - idleFor));
        }
        assertThat(idleStream.awaitEnd(Duration.ZERO)).as("the idle stream ended").isFalse();
        assertThat(idleStream.poll(Duration.ZERO)).isEmpty();
        // ": connected", then one heartbeat each 15 s
        assertThat(idleStream.comments()).isGreaterThanOrEqualTo(1 + 2);

        String id = viaA.request("POST", "/api/todos").header("Authorization", idler.bearer())
                .json("{\"title\":\"After the quiet\"}").send().json().path("id").asText();

        var event = idleStream.poll(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("no event came"));
        assertThat(event.type()).isEqualTo("todo.created");
        assertThat(event.json().path("id").asText()).isEqualTo(id);
        System.out.printf("events across instances: a stream through HAProxy idle for %d s, %d heartbeats, then"
                + " an event%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - idleOpened),
                idleStream.comments() - 1);
    }

    /**
     * Sixteen accounts review four books and take their reviews back, each 4 times over, eight through A and eight
     * through B, so both instances' sequencers run at once and transactions commit in another order than they wrote
     * their events. Meanwhile the catalogue's stream is held on B and through HAProxy, and a third reader keeps
     * closing its stream and resuming on the other instance. Every acknowledged change arrives on each exactly once,
     * ids rising; and each book's versions, in event order, go up by one at a time: the order the changes committed.
     */
    @Test
    @Order(4)
    void concurrentWritersOnBothInstancesNeverMakeAReaderSkipOrRepeat() throws Exception {
        // one after another: Argon2 sign-ins beyond the hashing slots would be turned away with 503
        var reviewers = new ArrayList<Caller>();
        for (int i = 0; i < 16; i++) {
            reviewers.add(new Identities(i % 2 == 0 ? viaA : viaB).newCaller("Reviewer" + i));
        }
        var acknowledged = new ConcurrentHashMap<Change, Long>();
        var held = new LinkedHashMap<String, EventStreamClient>();
        held.put("B", open(b.baseUri(), "/api/books/events", null, null, null));
        held.put("HAProxy", open(balancer.baseUri(), "/api/books/events", null, null, null));
        long startedAfter = lastPosition();

        var books = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            var created = viaA.request("POST", "/api/books").header("Authorization", reviewers.get(0).bearer())
                    .json("{\"title\":\"Contended " + i + "\",\"author\":\"Many Hands\",\"year\":2001}").send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            books.add(created.json().path("id").asText());
            acknowledged.put(new Change("book.created", books.get(i), 1), System.nanoTime());
        }

        var writing = new AtomicBoolean(true);
        var resumer = new Resumer(null, "/api/books/events", null, startedAfter, EventsAcrossInstancesIT::bookChange);
        ExecutorService pool = Executors.newFixedThreadPool(17);
        try {
            var reading = pool.submit(() -> resumer.readWhile(writing));
            var work = new ArrayList<Future<?>>();
            for (int writer = 0; writer < 16; writer++) {
                var reviewer = reviewers.get(writer);
                var http = writer % 2 == 0 ? viaA : viaB;
                int rating = 1 + writer % 5;
                work.add(pool.submit(() -> {
                    for (int round = 0; round < 4; round++) {
                        for (String book : books) {
                            var review = http.request("POST", "/api/books/" + book + "/reviews")
                                    .header("Authorization", reviewer.bearer())
                                    .json("{\"rating\":" + rating + ",\"text\":\"Round " + round + "\"}").send();
                            assertThat(review.status()).as(review.toString()).isEqualTo(201);
                            String id = review.json().path("id").asText();
                            acknowledged.put(new Change("review.created", id, 0), System.nanoTime());
                            var deleted = http.request("DELETE", "/api/books/" + book + "/reviews/" + id)
                                    .header("Authorization", reviewer.bearer()).send();
                            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
                            acknowledged.put(new Change("review.deleted", id, 0), System.nanoTime());
                        }
                    }
                    return null;
                }));
            }
            for (var done : work) {
                done.get(5, TimeUnit.MINUTES);
            }
            writing.set(false);
            reading.get(1, TimeUnit.MINUTES);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertThat(acknowledged).hasSize(4 + 16 * 4 * 4 * 2);

        var received = new LinkedHashMap<String, List<Event>>();
        for (var stream : held.entrySet()) {
            received.put(stream.getKey(), collect(stream.getValue(), acknowledged.keySet(), EventsAcrossInstancesIT::bookChange));
            stream.getValue().close();
        }
        received.put("resuming (" + resumer.connections.get() + " connections)",
                resumer.finish(acknowledged.keySet()));
        for (var stream : received.entrySet()) {
            assertOnceInOrder(stream.getKey(), stream.getValue(), acknowledged.keySet(), EventsAcrossInstancesIT::bookChange);
            assertEachBooksVersionsRiseByOne(stream.getKey(), stream.getValue(), books);
        }
        int inversions = inversionsAfter(startedAfter);
        System.out.printf("events across instances: %d changes by 16 writers on A and B; %d events positioned in"
                        + " another order than they were written; read by %s%n", acknowledged.size(), inversions,
                received.keySet());
    }

    /**
     * PostgreSQL crashes and comes back 3 s later while a writer creates todos through A and a reader holds a stream
     * on B (resuming with Last-Event-ID, as a browser would, should it end). Every acknowledged todo's event arrives
     * once, ids rising; B's listener reconnects and says so; afterwards, events reach B by NOTIFY again, well within
     * the 2 s poll.
     */
    @Test
    @Order(5)
    void aPostgresRestartUnderAHeldStreamLosesNothingAndNotificationsResume() throws Exception {
        var caller = new Identities(viaA).newCaller("Restart");
        var attempted = ConcurrentHashMap.<String>newKeySet();
        var acknowledged = new ConcurrentHashMap<Change, Long>();
        var answers = new ConcurrentHashMap<String, AtomicInteger>();
        var writing = new AtomicBoolean(true);
        var reader = new Resumer(b.baseUri(), "/api/todos/events", caller, lastPosition(),
                EventsAcrossInstancesIT::titleChange);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long listening;
        try {
            var reading = pool.submit(() -> reader.readWhile(writing));
            var writes = pool.submit(() -> {
                for (int i = 0; writing.get(); i++) {
                    String title = "Restart " + i;
                    attempted.add(title);
                    String answer;
                    try {
                        var created = viaA.request("POST", "/api/todos").header("Authorization", caller.bearer())
                                .json("{\"title\":\"" + title + "\"}").send();
                        answer = Integer.toString(created.status());
                        if (created.status() == 201) {
                            acknowledged.put(new Change("todo.created", title, 1), System.nanoTime());
                        }
                    } catch (IllegalStateException e) {
                        answer = "no answer";
                    }
                    answers.computeIfAbsent(answer, key -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(20);
                }
                return null;
            });
            Thread.sleep(2_000);
            postgres.stop(true);
            Thread.sleep(3_000);
            postgres.start();
            awaitLine(b, "Listening for change events again", Duration.ofSeconds(20));
            listening = System.nanoTime();
            long since = listening;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acknowledged.values().stream().filter(at -> at - since > 0).count() < 20
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            writing.set(false);
            writes.get(1, TimeUnit.MINUTES);
            reading.get(1, TimeUnit.MINUTES);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        var received = reader.finish(acknowledged.keySet());

        assertOnceInOrder("B across the restart", received, null, EventsAcrossInstancesIT::titleChange);
        var titles = received.stream().map(event -> event.json().path("title").asText()).toList();
        assertThat(titles).as("only todos that were asked for").allMatch(attempted::contains);
        var arrived = received.stream().map(EventsAcrossInstancesIT::titleChange).toList();
        assertThat(arrived).as("every acknowledged todo").containsAll(acknowledged.keySet());
        assertThat(b.jsonLines(line -> line.path("message").asText()
                .startsWith("Lost the database connection that listens for change events"))).isNotEmpty();

        // after B listens again: the events of writes acknowledged from then on come by NOTIFY, not the poll
        var after = new ArrayList<Long>();
        for (var event : received) {
            Long acked = acknowledged.get(titleChange(event));
            if (acked != null && acked - listening > 0) {
                after.add(TimeUnit.NANOSECONDS.toMillis(Math.max(0, event.arrivedNanos() - acked)));
            }
        }
        var latency = Latency.of(after);
        System.out.printf("events across instances: PostgreSQL restarted under a stream on B: writes answered %s;"
                        + " %d acknowledged, all arrived (%d events, %d reconnects); after B listened again %s%n",
                answers, acknowledged.size(), received.size(), reader.connections.get() - 1, latency);
        assertThat(after).as("writes after B listened again").hasSizeGreaterThanOrEqualTo(20);
        assertThat(latency.p50()).as("median delivery after B listened again, ms").isLessThan(500);
    }

    // -- helpers -----------------------------------------------------------------------------------------------------

    /** What a change did, as its event says it: its type, its resource, and the version it made (0: not compared). */
    record Change(String type, String id, long version) {}

    private static Change todoChange(Event event) {
        var data = event.json();
        return new Change(event.type(), data.path("id").asText(), data.path("version").asLong());
    }

    /** A todo by its title (the writer of the restart test may not learn the id of a todo it asked for). */
    private static Change titleChange(Event event) {
        return new Change(event.type(), event.json().path("title").asText(), event.json().path("version").asLong());
    }

    private static Change bookChange(Event event) {
        var data = event.json();
        return switch (event.type()) {
            case "book.created" -> new Change(event.type(), data.path("id").asText(), data.path("version").asLong());
            case "review.created" -> new Change(event.type(), data.path("review").path("id").asText(), 0);
            case "review.deleted" -> new Change(event.type(), data.path("id").asText(), 0);
            default -> new Change(event.type(), data.toString(), 0);
        };
    }

    private static long bookVersion(Event event) {
        var data = event.json();
        return event.type().equals("book.created") ? data.path("version").asLong()
                : data.path("book").path("version").asLong();
    }

    private static String bookId(Event event) {
        var data = event.json();
        return event.type().equals("book.created") ? data.path("id").asText() : event.type().equals("review.created")
                ? data.path("review").path("bookId").asText() : data.path("book").path("id").asText();
    }

    /** Makes changes to todos of one account, a create, two updates and a delete in turn, noting each acknowledged. */
    private static final class TodoWriter {
        private final Http http;
        private final Caller caller;
        private final String name;
        private final Map<Change, Long> acknowledged;
        private String id;
        private long version;
        private int made;

        TodoWriter(Http http, Caller caller, String name, Map<Change, Long> acknowledged) {
            this.http = http;
            this.caller = caller;
            this.name = name;
            this.acknowledged = acknowledged;
        }

        Void changes(int count, Duration pause) throws InterruptedException {
            for (int i = 0; i < count; i++) {
                change();
                Thread.sleep(pause.toMillis());
            }
            return null;
        }

        Void changesWhile(AtomicBoolean going, Duration pause) throws InterruptedException {
            while (going.get()) {
                change();
                Thread.sleep(pause.toMillis());
            }
            return null;
        }

        private void change() {
            Http.Response response;
            String type;
            if (id == null) {
                response = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                        .json("{\"title\":\"" + name + " todo " + made++ + "\"}").send();
                type = "todo.created";
            } else if (version < 3) {
                response = http.request("PATCH", "/api/todos/" + id).header("Authorization", caller.bearer())
                        .json("{\"completed\":" + (version % 2 == 1) + "}").send();
                type = "todo.updated";
            } else {
                response = http.request("DELETE", "/api/todos/" + id).header("Authorization", caller.bearer()).send();
                type = "todo.deleted";
            }
            long answered = System.nanoTime();
            assertThat(response.status()).as(response.toString()).isBetween(200, 204);
            if (type.equals("todo.deleted")) {
                acknowledged.put(new Change(type, id, version), answered);
                id = null;
            } else {
                JsonNode todo = response.json();
                id = todo.path("id").asText();
                version = todo.path("version").asLong();
                acknowledged.put(new Change(type, id, version), answered);
            }
        }
    }

    /**
     * A reader that keeps a stream open on one instance, and opens it again with Last-Event-ID when it ends (as a
     * browser's EventSource does); or one that closes its stream every 100 ms and resumes on the other instance.
     */
    private final class Resumer {
        private final URI only;
        private final String path;
        private final Caller caller;
        private final Function<Event, Change> change;
        private final List<Event> received = new ArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private Long last;

        /**
         * @param only the instance to stay on, resuming only when the stream ends; null: hop between A and B
         * @param after where to resume from at first; null: from now on
         */
        Resumer(URI only, String path, Caller caller, Long after, Function<Event, Change> change) {
            this.only = only;
            this.path = path;
            this.caller = caller;
            this.last = after;
            this.change = change;
        }

        Void readWhile(AtomicBoolean going) {
            while (going.get()) {
                URI base = only != null ? only : connections.get() % 2 == 0 ? a.baseUri() : b.baseUri();
                try (var stream = open(base, path, caller, last, null)) {
                    connections.incrementAndGet();
                    long until = only != null ? Long.MAX_VALUE : System.nanoTime() + Duration.ofMillis(100).toNanos();
                    while (going.get() && System.nanoTime() < until && !stream.awaitEnd(Duration.ZERO)) {
                        stream.poll(Duration.ofMillis(20)).ifPresent(this::add);
                    }
                    stream.drain().forEach(this::add);
                } catch (AssertionError | RuntimeException e) {
                    // the instance could not open a stream (the database is down): try again, as a browser would
                    pause(Duration.ofMillis(500));
                }
            }
            return null;
        }

        /** Reads on, from where it stopped, until every expected change has come, and returns all it read. */
        List<Event> finish(Set<Change> expected) {
            var base = only != null ? only : b.baseUri();
            try (var stream = open(base, path, caller, last, null)) {
                var rest = collect(stream, expected, change, received);
                rest.forEach(this::add);
            }
            return List.copyOf(received);
        }

        private void add(Event event) {
            received.add(event);
            last = event.id();
        }
    }

    private static EventStreamClient open(URI base, String path, Caller caller, Long lastEventId, String requestId) {
        var headers = new HashMap<String, String>();
        if (caller != null) {
            headers.put("Authorization", caller.bearer());
        }
        if (lastEventId != null) {
            headers.put("Last-Event-ID", Long.toString(lastEventId));
        }
        if (requestId != null) {
            headers.put("X-Request-Id", requestId);
        }
        var stream = EventStreamClient.open(URI.create(base + path), headers);
        assertThat(stream.status()).as("opening %s%s", base, path).isEqualTo(200);
        return stream;
    }

    /** The next {@code count} events, then the stream closed by the client. */
    private static List<Event> takeAndCut(EventStreamClient stream, int count) {
        try (stream) {
            return stream.take(count, Duration.ofSeconds(10));
        }
    }

    private static List<Event> collect(EventStreamClient stream, Set<Change> expected,
            Function<Event, Change> change) {
        return collect(stream, expected, change, List.of());
    }

    /**
     * Events from the stream until, with those {@code before}, every expected change has come (failing after 30 s),
     * and then any that come within another second (there should be none).
     */
    private static List<Event> collect(EventStreamClient stream, Set<Change> expected,
            Function<Event, Change> change, List<Event> before) {
        var got = new ArrayList<Event>();
        var seen = new HashSet<Change>();
        before.forEach(event -> seen.add(change.apply(event)));
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (!seen.containsAll(expected)) {
            if (System.nanoTime() > deadline) {
                var missing = new HashSet<>(expected);
                missing.removeAll(seen);
                throw new AssertionError(missing.size() + " changes did not arrive within " + ARRIVAL + ", such as "
                        + missing.stream().limit(5).toList());
            }
            stream.poll(Duration.ofMillis(200)).ifPresent(event -> {
                got.add(event);
                seen.add(change.apply(event));
            });
        }
        for (var extra = stream.poll(Duration.ofSeconds(1)); extra.isPresent(); extra = stream.poll(Duration.ofSeconds(1))) {
            got.add(extra.get());
        }
        return got;
    }

    /** Ids strictly rising, no change twice, and (unless {@code expected} is null) exactly the expected changes. */
    private static void assertOnceInOrder(String where, List<Event> events, Set<Change> expected,
            Function<Event, Change> change) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).id()).as("%s: event %d's id after %d", where, i, events.get(i - 1).id())
                    .isGreaterThan(events.get(i - 1).id());
        }
        var changes = events.stream().map(change).toList();
        assertThat(changes).as("%s: each change once", where).doesNotHaveDuplicates();
        if (expected != null) {
            assertThat(changes).as("%s: exactly the acknowledged changes", where)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static void assertEachBooksVersionsRiseByOne(String where, List<Event> events, List<String> books) {
        for (String book : books) {
            var versions = events.stream().filter(event -> bookId(event).equals(book))
                    .map(EventsAcrossInstancesIT::bookVersion).toList();
            assertThat(versions).as("%s: versions of %s in event order", where, book).isNotEmpty();
            for (int i = 0; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("%s: version %d of %s %s", where, i, book, versions)
                        .isEqualTo(1L + i);
            }
        }
    }

    /** p50, p99 and max of how long after the write's answer each event arrived (0 when it came before it). */
    record Latency(int count, long p50, long p99, long max, long beforeTheAnswer) {
        static Latency of(List<Long> millis) {
            var sorted = millis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(sorted.size(), at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1), 0);
        }

        private static long at(List<Long> sorted, double quantile) {
            return sorted.get(Math.max(0, (int) Math.ceil(quantile * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return String.format("%d events, p50 %d ms, p99 %d ms, max %d ms%s", count, p50, p99, max,
                    beforeTheAnswer > 0 ? " (" + beforeTheAnswer + " before the write's answer)" : "");
        }
    }

    private static Latency latencies(List<Event> events, Map<Change, Long> acknowledged,
            Function<Event, Change> change) {
        var millis = new ArrayList<Long>();
        int early = 0;
        for (var event : events) {
            long nanos = event.arrivedNanos() - acknowledged.get(change.apply(event));
            if (nanos < 0) {
                early++;
            }
            millis.add(TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos)));
        }
        var latency = Latency.of(millis);
        return new Latency(latency.count(), latency.p50(), latency.p99(), latency.max(), early);
    }

    /** The streams the instance has open, as its /metrics says. */
    private static double streamsOpen(Http instance) {
        return instance.get("/metrics").body().lines().filter(line -> line.startsWith("quire_event_streams_open "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst()
                .orElseThrow();
    }

    private static long last(List<Event> events) {
        return events.get(events.size() - 1).id();
    }

    private long lastPosition() throws SQLException {
        try (var connection = DriverManager.getConnection(databaseUrl);
             var rows = connection.createStatement().executeQuery("select last_position from event_log")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** How many events after {@code position} were positioned after one that was written later (a higher seq). */
    private int inversionsAfter(long position) throws SQLException {
        try (var connection = DriverManager.getConnection(databaseUrl);
             var statement = connection.prepareStatement(
                     "select seq from events where position > ? order by position")) {
            statement.setLong(1, position);
            int inversions = 0;
            long highest = Long.MIN_VALUE;
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong(1);
                    if (seq < highest) {
                        inversions++;
                    }
                    highest = Math.max(highest, seq);
                }
            }
            return inversions;
        }
    }

    private static void awaitLine(Container container, String message, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (container.jsonLines(line -> line.path("message").asText().startsWith(message)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(container + " did not log \"" + message + "\" within " + limit);
            }
            pause(Duration.ofMillis(100));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
