package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.ContainerOutputOnFailure;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answers a container writes itself, to requests it refuses before Quire sees them, on the packaged WAR with the
 * shipped docker/ settings (Tomcat with Quire's valve in its lib/): every one is problem+json with a request id, the
 * API's headers, no Server header, no HTML and no container name, and is in the log under that id. Jetty and Tomcat
 * refuse differently (and Tomcat passes some of these on to Quire, which answers them itself): the table says what
 * each answers.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Distribution.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ContainerOutputOnFailure.class)
class ContainerErrorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** What would say which server answered. */
    private static final List<String> NAMES = List.of("<html", "<!doctype", "Jetty", "jetty", "Tomcat", "tomcat",
            "Apache", "eclipse", "catalina", "Exception");
    private static final String ANY_DETAIL = "";
    private static final String TOO_LARGE = "than the server accepts (8 KiB";
    private static final String TWO_WAYS = "could be read two ways";
    private static final String NOT_HERE = "There is no resource at";
    private static final String MALFORMED = "The request is malformed";
    private static final String VERSIONS = "Only HTTP/1.0 and HTTP/1.1 are supported.";
    private static final String NO_HOST = "HTTP/1.1 requires a Host header.";
    private static final String NOT_A_PATH = "not a valid URI path";

    /** Whether the container can still read the client's X-Request-Id, or (failing to parse it) may make a new one. */
    private static final boolean KEEPS_ID = true;
    private static final boolean NEW_ID = false;
    /** Whether the request cannot be trusted past this point, so the connection is closed and the answer says so. */
    private static final boolean CLOSES = true;
    private static final boolean MAY_KEEP_ALIVE = false;

    /** What one container answers: the status, part of the detail, whether it keeps the id and closes. */
    record Answer(int status, String detail, boolean keepsId, boolean closes) {}

    /**
     * One request the container refuses (or Tomcat hands on to Quire), and what Jetty and Tomcat answer. The head is
     * written with {@code {ctx}} for the context path and {@code {id}} for the request id, which is sent first, so a
     * container that reads any header reads it.
     */
    record Case(String name, String head, Answer jetty, Answer tomcat) {
        @Override
        public String toString() {
            return name;
        }

        Answer on(Distribution distribution) {
            return distribution == Distribution.JETTY_12 ? jetty : tomcat;
        }
    }

    static Stream<Case> cases() {
        String get = "GET {ctx}";
        String headers = " HTTP/1.1\r\nX-Request-Id: {id}\r\nHost: 127.0.0.1\r\n";
        return Stream.of(
                new Case("a 20 KB query string", get + "/api/books?q=" + "a".repeat(20_000) + headers,
                        new Answer(414, "The request target is longer than the server accepts (8 KiB).", NEW_ID, CLOSES),
                        new Answer(400, TOO_LARGE, NEW_ID, CLOSES)),
                new Case("a 70 KB header", get + "/api/todos" + headers + "X-Filler: " + "f".repeat(70_000) + "\r\n",
                        new Answer(431, "The request's headers are larger than the server accepts (8 KiB in all).",
                                NEW_ID, CLOSES),
                        new Answer(400, TOO_LARGE, KEEPS_ID, CLOSES)),
                new Case("a 10 KB bearer token", get + "/api/todos" + headers
                                + "Authorization: Bearer " + "t".repeat(10_240) + "\r\n",
                        new Answer(431, TOO_LARGE, NEW_ID, CLOSES),
                        new Answer(400, TOO_LARGE, KEEPS_ID, CLOSES)),
                new Case("an empty segment: //api/books", get + "//api/books" + headers,
                        new Answer(400, TWO_WAYS, KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(404, NOT_HERE, KEEPS_ID, MAY_KEEP_ALIVE)),
                new Case("an encoded dot segment: /docs/%2e%2e/api", get + "/docs/%2e%2e/api" + headers,
                        new Answer(400, TWO_WAYS, KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(404, NOT_HERE, KEEPS_ID, MAY_KEEP_ALIVE)),
                new Case("a dot segment with a parameter: /api/..;/api", get + "/api/..;/api" + headers,
                        new Answer(400, TWO_WAYS, KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(404, NOT_HERE, KEEPS_ID, MAY_KEEP_ALIVE)),
                new Case("an encoded NUL: /api/books/%00", get + "/api/books/%00" + headers,
                        new Answer(400, MALFORMED, NEW_ID, CLOSES),
                        new Answer(400, NOT_A_PATH, KEEPS_ID, CLOSES)),
                new Case("an encoded slash: /api/todos/..%2f", get + "/api/todos/..%2f" + headers,
                        new Answer(400, TWO_WAYS, KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(400, NOT_A_PATH, KEEPS_ID, CLOSES)),
                new Case("no Host header", get + "/api HTTP/1.1\r\nX-Request-Id: {id}\r\n",
                        new Answer(400, NO_HOST, NEW_ID, CLOSES),
                        new Answer(400, NO_HOST, KEEPS_ID, CLOSES)),
                new Case("HTTP/1.2", get + "/api HTTP/1.2\r\nX-Request-Id: {id}\r\nHost: 127.0.0.1\r\n",
                        new Answer(505, VERSIONS, NEW_ID, CLOSES),
                        new Answer(505, VERSIONS, KEEPS_ID, CLOSES)),
                new Case("FOO/1.1", get + "/api FOO/1.1\r\nX-Request-Id: {id}\r\nHost: 127.0.0.1\r\n",
                        new Answer(505, VERSIONS, NEW_ID, CLOSES),
                        new Answer(400, MALFORMED, NEW_ID, CLOSES)),
                new Case("HTTP/2.0 on an HTTP/1 connection",
                        get + "/api HTTP/2.0\r\nX-Request-Id: {id}\r\nHost: 127.0.0.1\r\n",
                        new Answer(426, VERSIONS, KEEPS_ID, CLOSES),
                        new Answer(505, VERSIONS, KEEPS_ID, CLOSES)),
                new Case("TRACE", "TRACE {ctx}/api/todos" + headers + "X-Secret: do-not-echo\r\n",
                        new Answer(403, "The TRACE method is not served.", KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(405, "The TRACE method is not served.", KEEPS_ID, MAY_KEEP_ALIVE)),
                new Case("a header line without a colon", get + "/api" + headers + "NoColonHere\r\n",
                        new Answer(400, MALFORMED, NEW_ID, CLOSES),
                        new Answer(400, MALFORMED, KEEPS_ID, CLOSES)),
                new Case("a quote in the request target", get + "/api/bo\"oks" + headers,
                        new Answer(400, "The request target is not a valid URI path.", KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(400, MALFORMED, NEW_ID, CLOSES)),
                new Case("a control character in the request target", get + "/api/bo\u0001oks" + headers,
                        new Answer(400, MALFORMED, NEW_ID, CLOSES),
                        new Answer(400, MALFORMED, NEW_ID, CLOSES)),
                new Case("Transfer-Encoding chunked and a Content-Length", "POST {ctx}/api/todos" + headers
                                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                + "Content-Length: 5\r\n\r\n0\r\n",
                        new Answer(400, "The request's Transfer-Encoding or Content-Length is invalid.", NEW_ID, CLOSES),
                        // Tomcat reads the chunked body and ignores the length, as RFC 9112 allows: Quire answers
                        new Answer(401, ANY_DETAIL, KEEPS_ID, MAY_KEEP_ALIVE)),
                new Case("Transfer-Encoding gzip", "POST {ctx}/api/todos" + headers + "Transfer-Encoding: gzip\r\n",
                        new Answer(400, "The request's Transfer-Encoding or Content-Length is invalid.", NEW_ID, CLOSES),
                        new Answer(501, "does not implement", KEEPS_ID, CLOSES)),
                new Case("a path outside Quire's context", "GET /no-such-context/x" + headers,
                        new Answer(404, NOT_HERE, KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(404, NOT_HERE, KEEPS_ID, MAY_KEEP_ALIVE)),
                new Case("CONNECT", "CONNECT 127.0.0.1:80" + headers,
                        new Answer(405, ANY_DETAIL, KEEPS_ID, MAY_KEEP_ALIVE),
                        new Answer(501, "does not implement", KEEPS_ID, CLOSES)));
    }

    @Parameter
    Distribution distribution;

    Container container;

    @BeforeParameterizedClassInvocation
    void startContainer() {
        container = Container.start(distribution, TestDatabase.h2().settings());
    }

    @AfterParameterizedClassInvocation
    void stopContainer() {
        if (container != null) {
            container.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isAProblemWithTheRequestIdNamingNoServer(Case refused) {
        String sent = "refused-" + SEQUENCE.incrementAndGet();
        Answer expected = refused.on(distribution);
        String head = refused.head().replace("{ctx}", container.contextPath()).replace("{id}", sent);

        var response = RawHttp.exchange(container.port(), out -> out.write(RawHttp.ascii(head + "\r\n")));

        assertThat(response.status()).as(response.toString()).isEqualTo(expected.status());
        assertThat(response.header("Content-Type")).as(response.toString()).isEqualTo("application/problem+json");
        assertThat(response.header("Server")).isNull();
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        for (String name : NAMES) {
            assertThat(response.body()).as("names the server: " + name).doesNotContain(name);
        }
        assertThat(response.body()).doesNotContain("do-not-echo");

        JsonNode problem = json(response.body());
        String id = response.header("X-Request-Id");
        assertThat(problem.path("requestId").asText()).isEqualTo(id);
        assertThat(id).matches(expected.keepsId() ? sent : sent + "|[0-9a-f]{32}");
        assertThat(problem.path("type").asText()).isEqualTo("about:blank");
        assertThat(problem.path("status").asInt()).isEqualTo(response.status());
        assertThat(problem.path("title").asText()).isNotBlank().isNotEqualTo("Error");
        assertThat(problem.path("detail").asText()).isNotBlank().contains(expected.detail());
        if (problem.has("instance")) {
            assertThat(problem.path("instance").asText()).startsWith("/");
        }
        if (expected.closes()) {
            assertThat(response.header("Connection")).as("the connection is not to be trusted further").isEqualTo("close");
        }

        var logged = container.awaitAccessLines(id);
        assertThat(logged).as("access lines of " + id).hasSize(1);
        assertThat(logged.get(0).path("status").asInt()).isEqualTo(response.status());
    }

    /**
     * Last, as it stops the container: a request on a connection that was open before the stop, while a slow request
     * keeps the drain going. Jetty refuses it with 503 itself; Tomcat serves it (docs/DEPLOY.md, "Stopping without cutting requests").
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aRequestRefusedWhileStoppingIsAProblemToo() {
        String slowBody = "{\"title\":\"never finished\"}";
        try (var slow = RawHttp.Connection.open(container.port());
                var open = RawHttp.Connection.open(container.port())) {
            slow.write("POST " + container.contextPath() + "/api/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + slowBody.length() + "\r\n\r\n{");
            open.write("GET " + container.contextPath() + "/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(open.read().status()).isEqualTo(200);

            container.signalStop();
            pause(Duration.ofMillis(700));
            open.write("GET " + container.contextPath() + "/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "X-Request-Id: while-stopping\r\n\r\n");
            var answer = open.read();

            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(answer.header("X-Request-Id")).isEqualTo("while-stopping");
            if (distribution == Distribution.JETTY_12) {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
                assertThat(json(answer.body()).path("requestId").asText()).isEqualTo("while-stopping");
                assertThat(answer.header("Server")).isNull();
            } else {
                assertThat(answer.status()).isEqualTo(200);
            }
        }
    }

    /**
     * Media-type headers Jersey cannot parse are Quire's to answer on every container (issue 14, item 2): problem+json
     * with the request id where there is a body, ignored where there is none; Accept is negotiated by RFC 9110.
     */
    @Test
    void mediaTypeHeadersAreQuiresToAnswerOnEveryContainer() {
        var ignored = exchange("GET {ctx}/api/books?per_page=1 HTTP/1.1\r\nContent-Type: /\r\n\r\n");
        assertThat(ignored.status()).as(ignored.toString()).isEqualTo(200);

        String body = "{\"email\":\"ct@example.com\"}";
        var broken = exchange("POST {ctx}/api/accounts HTTP/1.1\r\nX-Request-Id: broken-type\r\nContent-Type: a/b; x"
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        var accept = exchange("GET {ctx}/health/live HTTP/1.1\r\nX-Request-Id: broken-accept\r\n"
                + "Accept: application/json;q=2\r\n\r\n");
        var latin1 = exchange("GET {ctx}/api HTTP/1.1\r\nX-Request-Id: latin1\r\n"
                + "Accept: application/json; charset=iso-8859-1\r\n\r\n");
        for (var answer : List.of(broken, accept, latin1)) {
            assertThat(answer.header("Content-Type")).as(answer.toString()).isEqualTo("application/problem+json");
            assertThat(json(answer.body()).path("requestId").asText()).isEqualTo(answer.header("X-Request-Id"));
        }
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.header("X-Request-Id")).isEqualTo("broken-type");
        assertThat(accept.status()).isEqualTo(400);
        assertThat(accept.header("X-Request-Id")).isEqualTo("broken-accept");
        assertThat(latin1.status()).isEqualTo(406);
    }

    private RawHttp.Response exchange(String request) {
        String full = request.replace("{ctx}", container.contextPath())
                .replaceFirst("\r\n", "\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        return RawHttp.exchange(container.port(), out -> out.write(full.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void noAnswerNamesTheServer() {
        var answer = RawHttp.exchange(container.port(), out -> out.write(RawHttp.ascii("GET " + container.contextPath()
                + "/api HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Server")).isNull();
        assertThat(answer.header("X-Powered-By")).isNull();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }
}
