package dev.quire;

import static dev.quire.support.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.ContainerOutputOnFailure;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TodoPages;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stopping a container the way a process manager does (SIGTERM) with the shipped drain settings: requests in
 * flight finish, new connections are refused, Quire closes its connection pool, nothing is logged as an error,
 * and nothing acknowledged is lost.
 *
 * <p>Without those settings the first test fails on every container. On Tomcat's defaults the port stays open
 * (new connections are accepted and never served) and the application is stopped 2 s (unloadDelay) into the
 * stop, under the slow request, whose connection is reset; Tomcat logs it as a leak with a stack trace. With
 * gracefulStopAwaitMillis but bindOnInit left true, new connections are served during the drain. On Jetty's
 * default idle timeout while draining (1 s), the slow request is answered 500 and logged as an error.
 */
@ExtendWith(ContainerOutputOnFailure.class)
class GracefulShutdownIT {
    /** The drain the shipped settings give (Tomcat's gracefulStopAwaitMillis, Jetty's stopTimeout). */
    private static final Duration DRAIN = Duration.ofSeconds(15);
    /**
     * How long the slow client pauses in the middle of its body once the stop has begun: longer than Jetty's
     * default idle timeout while draining (1 s), well inside the drain.
     */
    private static final Duration BODY_PAUSE = Duration.ofMillis(2000);
    private static final Pattern TEXT_PROBLEM = Pattern.compile(
            ".* (SEVERE|WARNING|ERROR|WARN) .*|.*:(WARN|ERROR) ?:.*|\\s+at \\S+\\(.*\\)|Caused by: .*");

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"TOMCAT_10_1, h2", "TOMCAT_11, postgresql", "JETTY_12, h2"})
    void aRequestInFlightWhenTheContainerIsToldToStopStillSucceeds(Distribution distribution, String database)
            throws Exception {
        try (var container = Container.start(distribution, database(database).settings())) {
            var caller = new Identities(container.http()).newCaller("drain");
            String requestId = "slow-" + UUID.randomUUID();
            byte[] body = "{\"title\":\"Sent slowly\"}".getBytes(StandardCharsets.UTF_8);
            var headSent = new CountDownLatch(1);
            var sendTheRest = new CountDownLatch(1);
            var slow = CompletableFuture.supplyAsync(() -> RawHttp.exchange(container.port(), out -> {
                out.write(ascii("POST " + container.contextPath() + "/api/todos HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: " + caller.bearer() + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\nX-Request-Id: " + requestId + "\r\n\r\n"));
                out.write(body, 0, 10);
                out.flush();
                headSent.countDown();
                awaitUninterruptibly(sendTheRest);
                out.write(body, 10, body.length - 10);
            }), executor);
            assertThat(headSent.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300); // the container reads the head and waits in the middle of the body

            int linesBeforeStop = container.lines().size();
            long signalled = System.nanoTime();
            container.signalStop();

            assertRefusesNewConnectionsWithin(Duration.ofSeconds(5), container.port());
            Thread.sleep(Math.max(0, BODY_PAUSE.toMillis() - elapsedMillis(signalled)));
            assertThat(slow).as("the slow request is still in flight").isNotDone();
            assertRefusesNewConnectionsWithin(Duration.ZERO, container.port());
            sendTheRest.countDown();

            var answer = slow.get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
            assertThat(Container.json(answer.body()).path("title").asText()).isEqualTo("Sent slowly");
            int exitCode = container.awaitExit(DRAIN);
            long stopMillis = elapsedMillis(signalled);
            // 128 + SIGTERM: the JVM ran its shutdown hooks and exited, nothing killed it
            assertThat(exitCode).isEqualTo(143);
            assertThat(stopMillis).isLessThan(DRAIN.toMillis());

            var stopping = container.lines().subList(linesBeforeStop, container.lines().size());
            assertThat(jsonMessages(stopping, "dev.quire.AppBootstrap")).containsExactly("Quire stopping");
            // the connection pool closed, after Quire began to stop
            assertThat(jsonMessages(stopping, "com.zaxxer.hikari.HikariDataSource"))
                    .containsExactly("quire - Shutdown initiated...", "quire - Shutdown completed.");
            assertThat(stopping).filteredOn(line -> line.contains(requestId)).singleElement()
                    .satisfies(line -> assertThat(Container.json(line).path("status").asInt()).isEqualTo(201));
            assertThat(problems(stopping)).as("errors, warnings and stack traces while stopping").isEmpty();
            System.out.printf("%s stopped %d ms after SIGTERM%n", container, stopMillis);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Jetty on PostgreSQL, as docker/compose.yaml runs Quire: writers keep creating todos while the container is
     * told to stop; every todo acknowledged with a 201 is there after the container starts again.
     */
    @Test
    void everyWriteAcknowledgedBeforeAStopIsThereAfterARestart() throws Exception {
        var settings = TestDatabase.postgres().settings();
        try (var first = Container.start(Distribution.JETTY_12, settings)) {
            var http = first.http();
            var caller = new Identities(http).newCaller("restart");
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            var refusals = new ConcurrentLinkedQueue<String>();
            var writers = new ArrayList<CompletableFuture<Void>>();
            for (int writer = 0; writer < 3; writer++) {
                int number = writer;
                writers.add(CompletableFuture.runAsync(() -> writeUntilRefused(http, caller, number, acknowledged,
                        refusals), executor));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acknowledged.size() < 60 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(acknowledged).as("todos created before the stop").hasSizeGreaterThanOrEqualTo(60);

            first.signalStop();
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(first.awaitExit(DRAIN)).isEqualTo(143);
            // a write not acknowledged was refused, never failed half-way: no 500 from a closed pool
            assertThat(refusals).hasSize(3).allSatisfy(refusal -> assertThat(refusal).matches(
                    "503|refused: .*|closed: .*"));

            try (var second = first.startAgain()) {
                // the session, too, was acknowledged before the stop
                var stored = todoIds(second.http(), caller);
                assertThat(stored).containsAll(acknowledged);
                System.out.printf("%d todos acknowledged, %d stored; refusals %s%n", acknowledged.size(),
                        stored.size(), refusals);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static void writeUntilRefused(Http http, Identities.Caller caller, int writer, Set<String> acknowledged,
            ConcurrentLinkedQueue<String> refusals) {
        for (int i = 0; ; i++) {
            Http.Response response;
            try {
                response = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                        .json("{\"title\":\"writer " + writer + " todo " + i + "\"}").send();
            } catch (IllegalStateException e) {
                // no connection, or it was closed before an answer came: the todo may or may not exist
                refusals.add((e.getCause() instanceof ConnectException ? "refused: " : "closed: ") + e.getCause());
                return;
            }
            if (response.status() != 201) {
                refusals.add(String.valueOf(response.status()));
                return;
            }
            acknowledged.add(response.json().path("id").asText());
        }
    }

    private static Set<String> todoIds(Http http, Identities.Caller caller) {
        var ids = new HashSet<String>();
        TodoPages.all(http, caller).forEach(todo -> ids.add(todo.path("id").asText()));
        return ids;
    }

    private static TestDatabase database(String name) {
        return name.equals("postgresql") ? TestDatabase.postgres() : TestDatabase.h2();
    }

    /** Polls until a connection attempt is refused; with no time at all, the first attempt must be. */
    private static void assertRefusesNewConnectionsWithin(Duration limit, int port) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        do {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                // accepted just before the port closed, then dropped: try again
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        fail("a new connection to port " + port + " was accepted while the container was draining");
    }

    private static List<String> jsonMessages(List<String> lines, String logger) {
        return lines.stream().map(Container::json)
                .filter(json -> json != null && logger.equals(json.path("logger").asText()))
                .map(json -> json.path("message").asText())
                .toList();
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

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never told to send the rest of the body");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
