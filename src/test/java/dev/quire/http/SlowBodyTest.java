package dev.quire.http;

import static dev.quire.support.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A request body that stops coming, comes too slowly, or is cut off by the client leaving is the client's doing:
 * Quire answers 408 problem+json (closing the connection) and logs one INFO line, never an ERROR with a stack
 * trace. Before BodyReadException, each of these was a 500 logged as an unexpected failure (Jersey wraps the
 * container's IOException in a ProcessingException), and an idempotent POST was answered 200 with no body. The
 * minimum data rate is Jetty's min-data-rate module (MinimumDataRateHandler), as docker/jetty ships it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowBodyTest {
    /** As docker/jetty ships it. */
    private static final long MIN_DATA_RATE = 1024;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);

    private final StdoutCapture stdout = StdoutCapture.install();
    private TestServer server;
    private Identities.Caller caller;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2()).idleTimeout(IDLE_TIMEOUT).minRequestDataRate(MIN_DATA_RATE)
                .start();
        caller = new Identities(new Http(server)).newCaller("slow");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aBodyThatStopsComingIs408OnceTheReadTimesOut() {
        int mark = stdout.mark();
        String id = requestId("stalled");

        long started = System.nanoTime();
        var response = RawHttp.exchange(server, out -> {
            out.write(head("/api/todos", id, 40, caller.bearer(), null));
            out.flush();
            // and not a byte of the body: the connection stays open, silent (no data rate without a first byte)
        });

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(IDLE_TIMEOUT.multipliedBy(5));
        assertRequestTimeout(response, id, "/api/todos");
        assertLoggedQuietly(mark, id, 408);
    }

    @Test
    void aBodySlowerThanTheMinimumDataRateIs408() {
        int mark = stdout.mark();
        String id = requestId("trickle");

        var response = RawHttp.exchange(server, out -> {
            out.write(head("/api/todos", id, 40, caller.bearer(), null));
            // 3 bytes every 300 ms, 10 B/s: the third read is well under 1024 B/s since the first byte
            for (String piece : List.of("{\"t", "itl", "e\":", "\"sl", "ow\"")) {
                out.write(ascii(piece));
                out.flush();
                pause(300);
            }
        });

        assertRequestTimeout(response, id, "/api/todos");
        assertLoggedQuietly(mark, id, 408);
    }

    @Test
    void anIdempotentPostWhoseBodyStopsIs408AndItsKeyStaysFree() {
        int mark = stdout.mark();
        String id = requestId("idempotent");
        String key = UUID.randomUUID().toString();

        var stalled = RawHttp.exchange(server, out -> {
            out.write(head("/api/todos", id, 40, caller.bearer(), key));
            out.flush();
        });

        assertRequestTimeout(stalled, id, "/api/todos");
        assertLoggedQuietly(mark, id, 408);
        // the filter read the body before claiming the key: the same key, sent again whole, runs
        var retry = new Http(server).request("POST", "/api/todos").header("Authorization", caller.bearer())
                .header(IdempotencyFilter.HEADER, key).json("{\"title\":\"sent whole\"}").send();
        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    }

    @Test
    void aClientThatLeavesMidBodyIsLoggedWithoutAnError() throws IOException {
        int mark = stdout.mark();
        String id = requestId("gone");

        try (var socket = new Socket("127.0.0.1", server.port())) {
            var out = socket.getOutputStream();
            out.write(head("/api/todos", id, 40, caller.bearer(), null));
            out.write(ascii("{\"title\":"));
            out.flush();
            pause(200);
        }

        var access = stdout.awaitAccessLines(mark, id);
        assertThat(access).as("access line of " + id).singleElement();
        assertNoErrors(mark);
    }

    /** Refused before its body is read (401), then drained after the answer: the slow rest ends quietly too. */
    @Test
    void aRefusedRequestWhoseBodyTricklesOnEndsWithoutAnError() {
        int mark = stdout.mark();
        String id = requestId("refused");

        var response = RawHttp.exchange(server, out -> {
            out.write(head("/api/todos", id, 40, null, null));
            for (String piece : List.of("{\"t", "itl", "e\":", "\"sl", "ow\"")) {
                out.write(ascii(piece));
                out.flush();
                pause(300);
            }
        });

        assertThat(response.status()).isEqualTo(401);
        assertThat(stdout.awaitAccessLines(mark, id)).singleElement()
                .satisfies(line -> assertThat(line.path("status").asInt()).isEqualTo(401));
        pause(1500); // the drain ends at the next read after the answer, or at the idle timeout
        assertNoErrors(mark);
    }

    private static byte[] head(String path, String requestId, int contentLength, String authorization, String key) {
        return ascii("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\nX-Request-Id: " + requestId + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (key == null ? "" : IdempotencyFilter.HEADER + ": " + key + "\r\n") + "\r\n");
    }

    private static void assertRequestTimeout(RawHttp.Response response, String requestId, String path) {
        assertThat(response.status()).as(response.toString()).isEqualTo(408);
        assertThat(response.header("Content-Type")).startsWith(Problem.MEDIA_TYPE);
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        JsonNode problem = StdoutCapture.parse(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(408);
        assertThat(problem.path("title").asText()).isEqualTo("Request Timeout");
        assertThat(problem.path("detail").asText()).isEqualTo(BodyReadException.DETAIL);
        assertThat(problem.path("instance").asText()).isEqualTo(path);
        assertThat(problem.path("requestId").asText()).isEqualTo(requestId);
        assertThat(response.body()).doesNotContain("Exception", "jetty", "at dev.quire");
    }

    /** One access line with the status, one INFO line saying why, and no error or stack trace anywhere. */
    private void assertLoggedQuietly(int mark, String requestId, int status) {
        assertThat(stdout.awaitAccessLines(mark, requestId)).singleElement()
                .satisfies(line -> assertThat(line.path("status").asInt()).isEqualTo(status));
        var reasons = stdout.jsonLinesSince(mark, line -> requestId.equals(line.path("requestId").asText())
                && line.path("message").asText().startsWith("Request body not received"));
        assertThat(reasons).singleElement().satisfies(line -> {
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.has("stackTrace")).isFalse();
        });
        assertNoErrors(mark);
    }

    private void assertNoErrors(int mark) {
        assertThat(stdout.linesSince(mark)).as("errors, warnings and stack traces").filteredOn(line -> {
            JsonNode json = StdoutCapture.parse(line);
            return json == null ? line.contains("Exception") || line.startsWith("\tat ")
                    : json.path("level").asText().matches("ERROR|WARN") || json.has("stackTrace");
        }).isEmpty();
    }

    private static String requestId(String name) {
        return "slow-body-" + name + "-" + UUID.randomUUID();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
