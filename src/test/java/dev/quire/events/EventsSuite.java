package dev.quire.events;

import static dev.quire.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.EventStreamClient;
import dev.quire.support.EventStreamClient.Event;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The change streams over HTTP, on the real application: every change writes its event with it (and a refused or
 * rolled-back one none), each type with what a client needs, a resume replays exactly what was missed, a resume
 * from past the retention is told to start afresh, the limits hold, a stream ends with its session, and no event of
 * one account reaches another. Runs once per database (see subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EventsSuite {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(700);

    private TestServer server;
    private Http http;
    private Identities identities;
    private Identities.Caller ada;
    private final List<EventStreamClient> opened = new ArrayList<>();
    private final StdoutCapture stdout = StdoutCapture.install();

    abstract TestDatabase database();

    @BeforeAll
    void start() {
        server = TestServer.builder(database())
                .setting("QUIRE_STREAMS_PER_ACCOUNT", "3")
                .eventHeartbeat(Duration.ofMillis(300))
                .start();
        http = new Http(server);
        identities = new Identities(http);
        ada = identities.newCaller("Ada");
    }

    @AfterAll
    void stop() {
        opened.forEach(EventStreamClient::close);
        server.close();
    }

    @Test
    void eachChangeToATodoIsAnEventOfItsOwnerInOrder() {
        try (var stream = todos(ada)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");

            var created = signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Live\"}").send().json();
            String path = "/api/todos/" + created.path("id").asText();
            signedIn(ada, "PATCH", path).json("{\"completed\":true}").send();
            signedIn(ada, "PUT", path).json("{\"title\":\"Live, renamed\",\"completed\":true}").send();
            var second = signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Gone\"}").send().json();
            signedIn(ada, "DELETE", "/api/todos/" + second.path("id").asText()).send();
            signedIn(ada, "DELETE", "/api/todos?completed=true").send();

            var events = stream.take(6, WAIT);

            assertThat(events).extracting(Event::type).containsExactly("todo.created", "todo.updated", "todo.updated",
                    "todo.created", "todo.deleted", "todos.cleared");
            assertIncreasing(events);
            assertThat(events.get(0).json().path("title").asText()).isEqualTo("Live");
            assertThat(events.get(0).json().path("version").asLong()).isEqualTo(1);
            assertThat(events.get(1).json().path("completed").asBoolean()).isTrue();
            assertThat(events.get(2).json().path("title").asText()).isEqualTo("Live, renamed");
            assertThat(events.get(2).json().path("version").asLong()).isEqualTo(3);
            assertThat(events.get(4).json().path("id").asText()).isEqualTo(second.path("id").asText());
            assertThat(events.get(5).json().path("ids").get(0).asText()).isEqualTo(created.path("id").asText());
            assertThat(stream.poll(QUIET)).as("nothing more").isEmpty();
        }
    }

    @Test
    void aNewStreamSaysWhereItStartsSoThatAClientThatDropsAtOnceCanResume() {
        try (var first = todos(ada)) {
            assertThat(first.poll(QUIET)).isEmpty();
            long start = first.lastEventId();
            assertThat(start).as("the start position, in an id-only block").isGreaterThanOrEqualTo(0);
            first.close();
            var created = signedIn(ada, "POST", "/api/todos").json("{\"title\":\"After the drop\"}").send().json();
            try (var resumed = stream("/api/todos/events", ada, Map.of("Last-Event-ID", Long.toString(start)))) {
                assertThat(resumed.take(1, WAIT).get(0).json().path("id").asText())
                        .isEqualTo(created.path("id").asText());
            }
        }
    }

    @Test
    void aStreamsAccessLineIsWrittenWhenItEndsWithWhatItSent() {
        int mark = stdout.mark();
        String requestId = "stream-" + UUID.randomUUID();
        String data;
        try (var stream = stream("/api/todos/events", ada, Map.of("X-Request-Id", requestId))) {
            signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Logged\"}").send();
            data = stream.take(1, WAIT).get(0).data();
            assertThat(stdout.accessLinesSince(mark, requestId)).as("no line while the stream is open").isEmpty();
        }
        // the server notices the client has gone at a heartbeat (every 300 ms here), and then logs the stream
        var lines = stdout.awaitAccessLines(mark, requestId);
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.path("path").asText()).isEqualTo("/api/todos/events");
            assertThat(line.path("status").asInt()).isEqualTo(200);
            assertThat(line.path("responseBytes").asLong()).as("the stream's first lines, the event and heartbeats")
                    .isGreaterThan(data.length() + "retry: 3000\n: connected\n\nevent: todo.created\n".length());
        });
    }

    @Test
    void aRefusedChangeWritesNoEvent() {
        try (var stream = todos(ada)) {
            var created = signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Versioned\"}").send().json();
            String path = "/api/todos/" + created.path("id").asText();
            assertThat(stream.take(1, WAIT).get(0).type()).isEqualTo("todo.created");
            assertProblem(signedIn(ada, "PATCH", path).header("If-Match", "\"7\"").json("{\"completed\":true}").send(),
                    412);
            assertProblem(signedIn(ada, "POST", "/api/todos").json("{\"title\":\"\"}").send(), 422);
            assertProblem(signedIn(ada, "DELETE", "/api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W").send(), 404);
            // a duplicate ISBN is refused by the database itself: the book's transaction, event included, rolls back
            String isbn = "{\"title\":\"Twin\",\"author\":\"A\",\"isbn\":\"978-0-306-40615-7\"}";
            try (var books = books()) {
                assertThat(signedIn(ada, "POST", "/api/books").json(isbn).send().status()).isEqualTo(201);
                assertThat(books.take(1, WAIT).get(0).type()).isEqualTo("book.created");
                assertProblem(signedIn(ada, "POST", "/api/books").json(isbn).send(), 409);
                assertThat(books.poll(QUIET)).as("no event for the rolled-back book").isEmpty();
            }

            assertThat(stream.poll(QUIET)).as("no event for a refused change").isEmpty();
        }
    }

    @Test
    void booksAndReviewsArePublicEventsWithTheBooksNewRating() {
        var bob = identities.newCaller("Bob");
        try (var stream = books()) {
            var book = signedIn(ada, "POST", "/api/books").json("{\"title\":\"Streams\",\"author\":\"Eve Ent\"}").send()
                    .json();
            String path = "/api/books/" + book.path("id").asText();
            signedIn(ada, "PATCH", path).json("{\"year\":2001}").send();
            var review = signedIn(bob, "POST", path + "/reviews").json("{\"rating\":4,\"text\":\"Flows.\"}").send()
                    .json();
            signedIn(bob, "DELETE", path + "/reviews/" + review.path("id").asText()).send();
            signedIn(ada, "DELETE", path).send();

            var events = stream.take(5, WAIT);

            assertThat(events).extracting(Event::type).containsExactly("book.created", "book.updated",
                    "review.created", "review.deleted", "book.deleted");
            assertIncreasing(events);
            assertThat(events.get(1).json().path("year").asInt()).isEqualTo(2001);
            JsonNode created = events.get(2).json();
            assertThat(created.path("review").path("text").asText()).isEqualTo("Flows.");
            assertThat(created.path("book").path("rating").path("count").asInt()).isEqualTo(1);
            assertThat(created.path("book").path("rating").path("average").asDouble()).isEqualTo(4.0);
            assertThat(created.path("book").path("version").asLong()).isEqualTo(3);
            assertThat(events.get(3).json().path("book").path("rating").path("count").asInt()).isZero();
            assertThat(events.get(4).json().path("id").asText()).isEqualTo(book.path("id").asText());
        }
    }

    @Test
    void aResumeReplaysExactlyWhatWasMissedThenGoesOnLive() {
        long last;
        try (var stream = todos(ada)) {
            signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Seen\"}").send();
            last = stream.take(1, WAIT).get(0).id();
        }
        var missed = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            missed.add(signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Missed " + i + "\"}").send().json()
                    .path("id").asText());
        }
        try (var byHeader = stream("/api/todos/events", ada, Map.of("Last-Event-ID", Long.toString(last)));
                var byQuery = stream("/api/todos/events?after=" + last, ada, Map.of())) {
            for (var resumed : List.of(byHeader, byQuery)) {
                var replayed = resumed.take(5, WAIT);
                assertThat(replayed).extracting(event -> event.json().path("id").asText()).containsExactlyElementsOf(
                        missed);
                assertIncreasing(replayed);
                assertThat(replayed.get(0).id()).isGreaterThan(last);
            }
            var live = signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Live again\"}").send().json();
            for (var resumed : List.of(byHeader, byQuery)) {
                var next = resumed.take(1, WAIT).get(0);
                assertThat(next.json().path("id").asText()).isEqualTo(live.path("id").asText());
                assertThat(resumed.poll(QUIET)).as("no duplicate").isEmpty();
            }
        }
    }

    @Test
    void aResumeFromAnIdNoLogGaveOutIsToldToStartAfresh() {
        try (var stream = stream("/api/todos/events", ada, Map.of("Last-Event-ID", "999999999999"))) {
            var reset = stream.take(1, WAIT).get(0);

            assertThat(reset.type()).isEqualTo("reset");
            assertThat(reset.json().path("collection").asText()).isEqualTo(server.contextPath() + "/api/todos");
            assertThat(stream.retry()).isEqualTo("3000");
        }
    }

    @Test
    void aResumeFromPastTheRetentionIsToldToStartAfreshAndTheInstanceLimitHolds() {
        // a closed stream's place is freed when a write to it fails: at the latest, its next heartbeat
        try (var brief = TestServer.builder(database()).setting("QUIRE_EVENT_RETENTION", "2s")
                .setting("QUIRE_STREAMS_PER_INSTANCE", "2").eventHeartbeat(Duration.ofMillis(300)).start()) {
            var local = new Http(brief);
            var caller = new Identities(local).newCaller("Fay");
            var first = EventStreamClient.open(brief.uri("/api/todos/events"), Map.of("Authorization",
                    caller.bearer()));
            opened.add(first);
            local.request("POST", "/api/todos").header("Authorization", caller.bearer()).json("{\"title\":\"Old\"}")
                    .send();
            long old = first.take(1, WAIT).get(0).id();
            var second = EventStreamClient.open(brief.uri("/api/books/events"), Map.of());
            opened.add(second);
            var third = EventStreamClient.open(brief.uri("/api/books/events"), Map.of());
            opened.add(third);
            assertThat(third.status()).as("past the instance's limit").isEqualTo(503);
            assertThat(third.header("Retry-After")).isNotBlank();
            first.close();
            second.close();

            pause(Duration.ofSeconds(4)); // past the retention, and a purge
            local.request("POST", "/api/todos").header("Authorization", caller.bearer()).json("{\"title\":\"New\"}")
                    .send();
            var resumed = awaitStream(brief, caller, old - 1);
            var reset = resumed.take(1, WAIT).get(0);
            assertThat(reset.type()).isEqualTo("reset");
            // the stream goes on live from the reset's position: "New" comes after it unless the instance had
            // handed it out before the stream opened; nothing from before the position is replayed
            pause(QUIET);
            var after = resumed.drain();
            assertThat(after).as("after a reset, only what follows its position")
                    .allSatisfy(event -> assertThat(event.id()).isGreaterThan(reset.id()));
            assertThat(after).extracting(event -> event.json().path("title").asText())
                    .isSubsetOf(List.of("New")).doesNotHaveDuplicates();
        }
    }

    private EventStreamClient awaitStream(TestServer on, Identities.Caller caller, long after) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var stream = EventStreamClient.open(on.uri("/api/todos/events"), Map.of("Authorization", caller.bearer(),
                    "Last-Event-ID", Long.toString(after)));
            opened.add(stream);
            if (stream.status() == 200 || System.nanoTime() > deadline) {
                return stream;
            }
            stream.close();
            pause(Duration.ofMillis(100));
        }
    }

    @Test
    void noEventOfOneAccountReachesAnother() {
        var eve = identities.newCaller("Eve");
        try (var adas = todos(ada); var eves = todos(eve)) {
            signedIn(eve, "POST", "/api/todos").json("{\"title\":\"Eve's secret\"}").send();
            signedIn(ada, "POST", "/api/todos").json("{\"title\":\"Ada's\"}").send();

            assertThat(adas.take(1, WAIT).get(0).json().path("title").asText()).isEqualTo("Ada's");
            assertThat(eves.take(1, WAIT).get(0).json().path("title").asText()).isEqualTo("Eve's secret");
            assertThat(adas.poll(QUIET)).isEmpty();
            assertThat(eves.poll(QUIET)).isEmpty();
        }
        // nor through a replay: Eve resuming from 0 gets Eve's events only
        try (var replay = stream("/api/todos/events?after=0", eve, Map.of())) {
            var all = new ArrayList<Event>();
            replay.poll(WAIT).ifPresent(all::add);
            all.addAll(pollAll(replay));
            assertThat(all).isNotEmpty().allSatisfy(event -> assertThat(event.data()).doesNotContain("Ada"));
        }
    }

    @Test
    void aStreamEndsWithItsSessionWithinAHeartbeat() {
        var carol = identities.newCaller("Carol");
        String second = identities.signIn(carol.email(), Identities.PASSWORD).json().path("token").asText();
        String third = identities.signIn(carol.email(), Identities.PASSWORD).json().path("token").asText();
        try (var signedOut = todos(carol); var other = stream("/api/todos/events", "Bearer " + second, Map.of());
                var changed = stream("/api/todos/events", "Bearer " + third, Map.of())) {
            assertThat(signedOut.awaitEnd(Duration.ofMillis(800))).as("alive while the session is").isFalse();
            assertThat(signedOut.comments()).as("heartbeats").isGreaterThan(1);

            signedIn(carol, "DELETE", "/api/sessions/me").send();
            assertThat(signedOut.awaitEnd(WAIT)).as("signed out: its stream ends").isTrue();
            assertThat(other.awaitEnd(Duration.ofMillis(800))).as("another session's stream goes on").isFalse();

            // a password change ends every other session, and so their streams
            var change = http.request("PUT", "/api/accounts/me/password").header("Authorization", "Bearer " + third)
                    .json("{\"currentPassword\":\"" + Identities.PASSWORD + "\",\"newPassword\":\"a fresh new phrase\"}")
                    .send();
            assertThat(change.status()).isEqualTo(204);
            assertThat(other.awaitEnd(WAIT)).as("ended by the password change").isTrue();
            assertThat(changed.awaitEnd(Duration.ofMillis(800))).as("the changing session's own goes on").isFalse();
        }
    }

    @Test
    void theLimitsHoldAndWhatIsRefusedIsAProblem() {
        var dave = identities.newCaller("Dave");
        var open = new ArrayList<EventStreamClient>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(todos(dave));
                assertThat(open.get(i).status()).isEqualTo(200);
            }
            var fourth = todos(dave);
            open.add(fourth);
            assertThat(fourth.status()).isEqualTo(429);
            assertThat(fourth.header("Retry-After")).isNotBlank();
            assertThat(fourth.header("Content-Type")).isEqualTo("application/problem+json");

            open.remove(0).close();
            var again = awaitAdmitted(dave);
            open.add(again);
            assertThat(again.status()).as("a closed stream frees its place").isEqualTo(200);
        } finally {
            open.forEach(EventStreamClient::close);
        }
    }

    @Test
    void badRequestsForAStreamAreProblems() {
        var noSession = stream("/api/todos/events", (String) null, Map.of("Accept", "application/json"));
        assertThat(noSession.status()).as("401 whatever the Accept").isEqualTo(401);
        assertThat(noSession.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(stream("/api/todos/events", ada, Map.of("Last-Event-ID", "abc")).status()).isEqualTo(400);
        assertThat(stream("/api/todos/events?after=-1", ada, Map.of()).status()).isEqualTo(400);
        assertThat(stream("/api/books/events?since=3", (String) null, Map.of()).status()).isEqualTo(400);
        assertThat(stream("/api/books/events", "Bearer not-a-token", Map.of()).status()).isEqualTo(401);
        var html = http.request("GET", "/api/books/events").header("Accept", "text/html").send();
        assertProblem(html, 406);
        var post = http.request("POST", "/api/books/events").json("{}").send();
        assertProblem(post, 405);
        assertThat(post.header("Allow")).isEqualTo("GET");
    }

    private EventStreamClient awaitAdmitted(Identities.Caller caller) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var stream = todos(caller);
            if (stream.status() == 200 || System.nanoTime() > deadline) {
                return stream;
            }
            stream.close();
            pause(Duration.ofMillis(100));
        }
    }

    private static List<Event> pollAll(EventStreamClient stream) {
        var events = new ArrayList<Event>();
        for (var event = stream.poll(QUIET); event.isPresent(); event = stream.poll(QUIET)) {
            events.add(event.get());
        }
        return events;
    }

    private static void assertIncreasing(List<Event> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).id()).as("ids increase").isGreaterThan(events.get(i - 1).id());
        }
    }

    private EventStreamClient todos(Identities.Caller caller) {
        return stream("/api/todos/events", caller, Map.of());
    }

    private EventStreamClient books() {
        return stream("/api/books/events", (String) null, Map.of());
    }

    private EventStreamClient stream(String path, Identities.Caller caller, Map<String, String> headers) {
        return stream(path, caller.bearer(), headers);
    }

    private EventStreamClient stream(String path, String authorization, Map<String, String> headers) {
        var all = new java.util.HashMap<>(headers);
        if (authorization != null) {
            all.put("Authorization", authorization);
        }
        var stream = EventStreamClient.open(server.uri(path), all);
        opened.add(stream);
        return stream;
    }

    private Http.Request signedIn(Identities.Caller caller, String method, String path) {
        return http.request(method, path).header("Authorization", caller.bearer());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
