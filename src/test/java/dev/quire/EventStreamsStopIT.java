package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.ContainerOutputOnFailure;
import dev.quire.support.EventStreamClient;
import dev.quire.support.EventStreamCrowd;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stopping a container that holds open event streams, as a process manager does (SIGTERM), with the drain settings
 * shipped in docker/ (15 s): the streams never end by themselves, so Quire ends them as soon as the process is told
 * to stop, and they must not hold the drain for its whole period. Every stream ends within 2 s of the signal and
 * the server closes its connection (the clients keep it, as browsers keep connections for reuse), a client that
 * reconnects at once gets no stream on the stopping instance, the process exits well before the drain's end,
 * nothing is logged as an error, and the clients then resume on another instance (Tomcat, both on one PostgreSQL)
 * or on the same one restarted (Jetty, on its H2 file) with Last-Event-ID, without missing an event made before
 * the stop, the last change made just before the signal included, nor one made while they were away.
 *
 * <p>Tomcat waits, when told to stop, for every connection to close (up to gracefulStopAwaitMillis) and serves
 * the requests that come on them meanwhile. When a stream opened during a stop was served like any other, a client
 * reconnecting at once on its kept-alive connection got a new stream there, and Tomcat exited 26.6 s after SIGTERM
 * instead of 2 s. When that stream ended at once but connections stayed open after their streams ended, the
 * connections the clients kept held Tomcat past 12 s, and Jetty closed them only at its idle timeout while
 * draining (5 s).
 *
 * <p>Both run as the images in docker/ run them, on Java 25 with requests on virtual threads.
 */
@ExtendWith(ContainerOutputOnFailure.class)
class EventStreamsStopIT {
    /** The drain the shipped settings give (Tomcat's gracefulStopAwaitMillis, Jetty's stopTimeout). */
    private static final Duration DRAIN = Duration.ofSeconds(15);
    private static final Duration STREAMS_END_WITHIN = Duration.ofSeconds(2);
    /** Well before the drain's end: a stream left open would hold the process for all of it. */
    private static final Duration EXITS_WITHIN = Duration.ofSeconds(8);
    private static final int BOOK_STREAMS = 200;
    private static final Duration EVENT_WAIT = Duration.ofSeconds(15);
    private static final Pattern TEXT_PROBLEM = Pattern.compile(
            ".* (SEVERE|WARNING|ERROR|WARN) .*|.*:(WARN|ERROR) ?:.*|\\s+at \\S+\\(.*\\)|Caused by: .*");

    @Test
    void jettyEndsItsStreamsAtOnceOnStopAndTheClientsResumeOnTheRestartedInstance() throws Exception {
        var jetty = Container.launcher(Distribution.JETTY_12).javaHome(Container.jdk(25))
                .overlay(Path.of("docker", "jetty-java21"));
        try (var first = jetty.start(TestDatabase.h2().settings())) {
            stopWithStreamsOpenThenResume(first, stopped -> stopped.startAgain());
        }
    }

    @Test
    void tomcatEndsItsStreamsAtOnceOnStopAndTheClientsResumeOnAnotherInstance() throws Exception {
        var tomcat = Container.launcher(Distribution.TOMCAT_11).javaHome(Container.jdk(25))
                .property("tomcat.http.virtualThreads", "true");
        var settings = TestDatabase.postgres().settings();
        try (var first = tomcat.start(settings); var second = tomcat.start(settings)) {
            stopWithStreamsOpenThenResume(first, stopped -> second);
        }
    }

    /**
     * Streams of the catalogue (many) and of one account's todos on {@code first}; changes they all receive; one
     * more change of each kind just before SIGTERM; then the stop, timed; then a change of each kind on the instance
     * {@code next} gives, and the clients resuming there.
     */
    private static void stopWithStreamsOpenThenResume(Container first, Function<Container, Container> next)
            throws Exception {
        var http = first.http();
        var caller = new Identities(http).newCaller("Stop");
        var books = EventStreamCrowd.open(first.port(), first.contextPath() + "/api/books/events", Map.of(),
                BOOK_STREAMS, Duration.ofSeconds(30));
        var todos = EventStreamClient.open(first.baseUri().resolve(first.contextPath() + "/api/todos/events"),
                Map.of("Authorization", caller.bearer()));
        try (books; todos) {
            assertThat(books.statuses()).containsOnlyKeys(200);
            assertThat(todos.status()).isEqualTo(200);
            var madeBooks = new ArrayList<String>();
            var madeTodos = new ArrayList<String>();
            madeBooks.add(createBook(http, caller, "Before the stop"));
            madeTodos.add(createTodo(http, caller, "Before the stop"));
            assertThat(books.await(seen -> seen.ids().size() == 1, EVENT_WAIT)).as("the first book event came")
                    .isTrue();
            var todosBefore = new ArrayList<>(todos.take(1, EVENT_WAIT));

            // the last changes, acknowledged just before the signal: their events may or may not go out before
            // the streams close; either way no client may miss them
            madeBooks.add(createBook(http, caller, "Just before the stop"));
            madeTodos.add(createTodo(http, caller, "Just before the stop"));
            int linesBeforeStop = first.lines().size();
            long signalled = System.nanoTime();
            first.signalStop();

            // the crowd keeps a connection the server ended a stream on, as a browser keeps it for reuse: the
            // server must close it, or a stopping Tomcat waits for it to close until its drain is over
            assertThat(books.await(seen -> seen.closedByServer(), STREAMS_END_WITHIN.plusSeconds(10)))
                    .as("every catalogue stream ended, and its connection was closed").isTrue();
            assertThat(todos.awaitEnd(STREAMS_END_WITHIN.plusSeconds(10))).as("the todos stream ended").isTrue();
            long todosEndedMillis = elapsedMillis(signalled);
            long lastBookEndedMillis = books.snapshot().stream().mapToLong(seen -> TimeUnit.NANOSECONDS.toMillis(
                    seen.closedNanos() - signalled)).max().orElseThrow();
            // a client that reconnects at once, to the instance that is stopping, gets no stream there
            var again = reconnect(first, caller);
            int exitCode = first.awaitExit(DRAIN.plusSeconds(20));
            long exitMillis = elapsedMillis(signalled);
            System.out.printf("EVENT STREAMS ON STOP %s: %d catalogue streams ended, their connections closed, within %d ms; the todos stream"
                    + " in %d ms; reconnecting there at once: %s; exited %d ms after SIGTERM%n", first,
                    BOOK_STREAMS, lastBookEndedMillis, todosEndedMillis, again, exitMillis);

            assertThat(lastBookEndedMillis).as("the last catalogue stream's connection closed, ms after SIGTERM")
                    .isLessThanOrEqualTo(STREAMS_END_WITHIN.toMillis());
            assertThat(todosEndedMillis).as("the todos stream ended, ms after SIGTERM")
                    .isLessThanOrEqualTo(STREAMS_END_WITHIN.toMillis());
            assertThat(again).as("reconnecting at once to the stopping instance").matches("refused.*|503");
            // 128 + SIGTERM: the JVM ran its shutdown hooks and exited, nothing killed it
            assertThat(exitCode).isEqualTo(143);
            assertThat(exitMillis).as("ms from SIGTERM to exit").isLessThan(EXITS_WITHIN.toMillis());
            var stopping = first.lines().subList(linesBeforeStop, first.lines().size());
            assertThat(stopping).as("Quire says it closes the streams").anySatisfy(line -> assertThat(
                    line).contains("Closing ").contains(" event streams"));
            assertThat(problems(stopping)).as("errors, warnings and stack traces while stopping").isEmpty();

            var resumeAt = next.apply(first);
            var nextHttp = resumeAt.http();
            // made while the clients were away
            madeBooks.add(createBook(nextHttp, caller, "While they were away"));
            madeTodos.add(createTodo(nextHttp, caller, "While they were away"));

            // the change made just before the signal reached some streams before they closed and not others:
            // each client resumes from the last id it received
            var before = books.snapshot();
            long firstBook = before.get(0).ids().get(0);
            try (var truth = EventStreamClient.open(resumeAt.baseUri().resolve(resumeAt.contextPath()
                    + "/api/books/events"), Map.of("Last-Event-ID", String.valueOf(firstBook - 1)))) {
                // what the log holds from the first book on: the three books, in the order they were made
                var logged = truth.take(madeBooks.size(), EVENT_WAIT);
                assertThat(logged).extracting(event -> event.json().path("id").asText())
                        .containsExactlyElementsOf(madeBooks);
                var all = logged.stream().map(EventStreamClient.Event::id).toList();
                var byLastId = before.stream().collect(Collectors.groupingBy(seen -> seen.ids().get(
                        seen.ids().size() - 1), TreeMap::new, Collectors.counting()));
                System.out.printf("EVENT STREAMS ON STOP: catalogue streams by the last event they received before"
                        + " the stop: %s (events %s)%n", byLastId, all);
                for (var group : byLastId.entrySet()) {
                    var received = all.subList(0, all.indexOf(group.getKey()) + 1);
                    var missed = all.subList(received.size(), all.size());
                    try (var resumed = EventStreamCrowd.open(resumeAt.port(), resumeAt.contextPath()
                            + "/api/books/events", Map.of("Last-Event-ID", String.valueOf(group.getKey())),
                            group.getValue().intValue(), Duration.ofSeconds(30))) {
                        assertThat(resumed.await(seen -> seen.ids().size() >= missed.size(), EVENT_WAIT))
                                .as("the clients resuming after %s got what they missed", group.getKey()).isTrue();
                        assertThat(resumed.snapshot()).allSatisfy(seen -> assertThat(seen.ids())
                                .as("resumed after %s", group.getKey()).isEqualTo(missed));
                    }
                }
                assertThat(before).allSatisfy(seen -> assertThat(all).as("received before the stop")
                        .startsWith(seen.ids().toArray(Long[]::new)));
            }
            // what came before the stream ended, the change made just before the signal perhaps among it
            todosBefore.addAll(todos.drain());
            try (var resumedTodos = EventStreamClient.open(resumeAt.baseUri().resolve(resumeAt.contextPath()
                    + "/api/todos/events"), Map.of("Authorization", caller.bearer(), "Last-Event-ID",
                    String.valueOf(todosBefore.get(todosBefore.size() - 1).id())))) {
                var received = new ArrayList<>(todosBefore);
                received.addAll(resumedTodos.take(madeTodos.size() - todosBefore.size(), EVENT_WAIT));
                assertThat(received).extracting(event -> event.json().path("id").asText())
                        .containsExactlyElementsOf(madeTodos);
                assertThat(received).extracting(EventStreamClient.Event::id).isSorted().doesNotHaveDuplicates();
                assertThat(resumedTodos.poll(Duration.ofMillis(500))).as("nothing more").isEmpty();
            }
            if (resumeAt != first) {
                resumeAt.close();
            }
        }
    }

    /**
     * Opens the todos stream again on the stopping instance, at once, on the client that had it (the JDK's, which
     * keeps connections for reuse, as browsers do): "refused ..." when there is no connection to be had, else the
     * status.
     */
    private static String reconnect(Container container, Identities.Caller caller) {
        URI uri = container.baseUri().resolve(container.contextPath() + "/api/todos/events");
        try (var stream = EventStreamClient.open(uri, Map.of("Authorization", caller.bearer()))) {
            return String.valueOf(stream.status());
        } catch (RuntimeException e) {
            return "refused: " + e;
        }
    }

    private static String createBook(Http http, Identities.Caller caller, String title) {
        var response = http.request("POST", "/api/books").header("Authorization", caller.bearer())
                .json("{\"title\":\"" + title + " " + System.nanoTime() + "\",\"author\":\"Ann Author\"}").send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    private static String createTodo(Http http, Identities.Caller caller, String title) {
        var response = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                .json("{\"title\":\"" + title + "\"}").send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    /** ERROR and WARN lines, Quire's (JSON) and the container's (text), and stack traces. */
    private static List<String> problems(List<String> lines) {
        return lines.stream().filter(line -> {
            JsonNode json = Container.json(line);
            if (json != null) {
                return json.path("level").asText().matches("ERROR|WARN") || json.has("stackTrace");
            }
            return TEXT_PROBLEM.matcher(line).matches();
        }).toList();
    }

    private static long elapsedMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
