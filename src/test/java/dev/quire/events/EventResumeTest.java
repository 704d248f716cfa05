package dev.quire.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.EventStreamClient;
import dev.quire.support.EventStreamClient.Event;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.Identities.Caller;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Resuming a stream where its events are still arriving: on another instance that has not read them yet, and on one
 * instance while changes keep coming. Two servers share one H2 database here; with no NOTIFY on H2 the second learns
 * of the first's events only by its 2 s poll, so it is reliably behind (EventsAcrossInstancesIT does the same on
 * PostgreSQL, where NOTIFY makes the lag milliseconds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int WRITERS = 4;
    private static final int CONNECTIONS = 120;
    private static final Duration READ = Duration.ofMillis(30);

    TestServer one;
    TestServer two;
    Http viaOne;

    @BeforeAll
    void start() {
        var database = TestDatabase.h2();
        // a closed stream is noticed at its next write: many in a row may be open for a moment
        one = TestServer.builder(database).setting("QUIRE_STREAMS_PER_ACCOUNT", "1000").start();
        two = TestServer.builder(database).start();
        viaOne = new Http(one);
    }

    @AfterAll
    void stop() {
        two.close();
        one.close();
    }

    /**
     * A client that saw an event on one instance and resumes from it on another that has not read it yet gets the
     * events after it, not that event again: the instance's live events start after the larger of where it stands and
     * where the client stands.
     */
    @Test
    void aResumeOnAnInstanceThatHasNotReadTheEventYetResendsNothing() {
        var caller = new Identities(viaOne).newCaller("lagging");
        for (int round = 0; round < 3; round++) {
            try (var onOne = stream(one, caller, null)) {
                String created = create(caller, "seen on one " + round);
                var seen = onOne.take(1, WAIT).get(0);
                assertThat(seen.json().path("id").asText()).isEqualTo(created);

                try (var onTwo = stream(two, caller, seen.id())) {
                    String next = create(caller, "next " + round);
                    // two reads both events at its next poll, at most 2 s away: only the second is the client's
                    var resumed = onTwo.take(1, WAIT).get(0);
                    assertThat(resumed.id()).as("round %d: resumed after %d", round, seen.id()).isGreaterThan(seen.id());
                    assertThat(resumed.json().path("id").asText()).isEqualTo(next);
                    assertThat(onTwo.poll(Duration.ofMillis(300))).isEmpty();
                }
            }
        }
    }

    /**
     * A reader that keeps closing its stream and resuming from the last id it got, while a writer creates todos as fast
     * as it can: on every connection the ids rise, the first after the one it resumed from, and over all of them each
     * todo's event comes exactly once. An event handed out while a stream is being opened waits for the stream's
     * replay instead of overtaking it.
     */
    @Test
    void resumingOverAndOverWhileChangesKeepComingGivesEachEventOnceInOrder() throws Exception {
        var caller = new Identities(viaOne).newCaller("resumer");
        var created = ConcurrentHashMap.<String>newKeySet();
        var writing = new AtomicBoolean(true);
        var writer = Executors.newFixedThreadPool(WRITERS);
        var received = new ArrayList<Event>();
        var problems = new ArrayList<String>();
        var writes = new ArrayList<Future<?>>();
        long last;
        try {
            try (var first = stream(one, caller, null)) {
                for (int w = 0; w < WRITERS; w++) {
                    int number = w;
                    writes.add(writer.submit(() -> {
                        for (int i = 0; writing.get(); i++) {
                            created.add(create(caller, "todo " + number + "-" + i));
                        }
                        return null;
                    }));
                }
                received.addAll(first.take(1, WAIT));
                last = received.get(0).id();
            }
            for (int connection = 0; connection < CONNECTIONS; connection++) {
                try (var resumed = stream(one, caller, last)) {
                    var got = new ArrayList<Event>();
                    long until = System.nanoTime() + READ.toNanos();
                    while (System.nanoTime() < until) {
                        resumed.poll(Duration.ofMillis(10)).ifPresent(got::add);
                    }
                    long previous = last;
                    for (Event event : got) {
                        if (event.id() <= previous) {
                            problems.add("connection " + connection + " resumed after " + last + ": " + event.id()
                                    + " came after " + previous + " " + ids(got));
                        }
                        previous = Math.max(previous, event.id());
                    }
                    received.addAll(got);
                    last = previous;
                }
            }
            writing.set(false);
            for (var finished : writes) {
                finished.get(30, TimeUnit.SECONDS);
            }
        } finally {
            writing.set(false);
            writer.shutdownNow();
        }
        System.out.printf("resumes: %d todos created, %d events received, problems %s%n", created.size(),
                received.size(), problems);
        assertThat(problems).isEmpty();
        try (var rest = stream(one, caller, last)) {
            while (!received(received).containsAll(created)) {
                received.add(rest.poll(WAIT).orElseThrow(() -> new AssertionError("not every created todo's event came")));
            }
        }

        var todos = received.stream().map(event -> event.json().path("id").asText()).toList();
        assertThat(new HashSet<>(todos)).as("each event once").hasSize(todos.size()).isEqualTo(created);
    }

    private static Set<String> received(List<Event> events) {
        var ids = new HashSet<String>();
        events.forEach(event -> ids.add(event.json().path("id").asText()));
        return ids;
    }

    private static List<Long> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    private String create(Caller caller, String title) {
        var response = viaOne.request("POST", "/api/todos").header("Authorization", caller.bearer())
                .json("{\"title\":\"" + title + "\"}").send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    private static EventStreamClient stream(TestServer server, Caller caller, Long lastEventId) {
        var headers = lastEventId == null ? Map.of("Authorization", caller.bearer())
                : Map.of("Authorization", caller.bearer(), "Last-Event-ID", Long.toString(lastEventId));
        var client = EventStreamClient.open(server.uri("/api/todos/events"), headers);
        assertThat(client.status()).isEqualTo(200);
        return client;
    }
}
