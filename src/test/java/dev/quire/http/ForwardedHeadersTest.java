package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code QUIRE_TRUSTED_PROXIES}: forwarded headers change what the application sees of a request (the client's
 * address, the scheme and host it used) only when they come from a trusted proxy. Every request is real HTTP from
 * a chosen loopback address: 127.0.0.1 plays the proxy, other 127.0.0.x addresses play clients that talk to Quire
 * directly. Addresses the headers name are documentation ranges (RFC 5737, RFC 3849).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardedHeadersTest {
    private static final String PROXY = "127.0.0.1";
    private static final int LIMIT = 3;
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(20);
    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    StdoutCapture stdout;
    /** Trusts no proxy (the default), with a small per-address limit. */
    TestServer untrusting;
    /** Trusts 127.0.0.1 and 10.0.0.0/8 (a second tier of proxies, as the headers name them). */
    TestServer trusting;
    /** Trusts 127.0.0.1, with a small per-address limit and one failed sign-in a minute per address. */
    TestServer trustingLimited;

    @BeforeAll
    void start() {
        stdout = StdoutCapture.install();
        untrusting = TestServer.builder(TestDatabase.h2()).setting("QUIRE_RATE_LIMIT", String.valueOf(LIMIT)).start();
        trusting = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_TRUSTED_PROXIES", PROXY + ", 10.0.0.0/8").start();
        trustingLimited = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_TRUSTED_PROXIES", PROXY)
                .setting("QUIRE_RATE_LIMIT", String.valueOf(LIMIT))
                .setting("QUIRE_SIGNIN_LIMIT", "1")
                .start();
    }

    @AfterAll
    void stop() {
        untrusting.close();
        trusting.close();
        trustingLimited.close();
    }

    // --- without QUIRE_TRUSTED_PROXIES: as before it existed

    @Test
    void withNoTrustedProxyForwardedHeadersChangeNeitherLocationNorTheLoggedAddress() {
        String token = newToken(untrusting);
        String client = newAddress();
        int mark = stdout.mark();

        var created = send(untrusting, client, "POST", "/api/todos", "{\"title\":\"Plain\"}",
                "Authorization", "Bearer " + token,
                "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Host", "api.example.com", "X-Forwarded-Proto", "https",
                "Forwarded", "for=198.51.100.1;host=example.org;proto=https");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location"))
                .startsWith("http://127.0.0.1:" + untrusting.port() + "/api/todos/todo_");
        JsonNode line = accessLine(mark, created);
        assertThat(line.path("remoteAddress").asText()).isEqualTo(client);
        assertThat(line.has("proxyAddress")).isFalse();
    }

    @Test
    void withNoTrustedProxyTheRateLimitCountsTheSocketAddressWhateverTheHeadersSay() {
        String client = newAddress();
        var answers = new ArrayList<Integer>();
        for (int i = 0; i <= LIMIT; i++) {
            answers.add(send(untrusting, client, "GET", "/api/books", null, "X-Forwarded-For", "203.0.113." + i)
                    .status());
        }

        assertThat(answers).containsExactly(200, 200, 200, 429);
    }

    // --- from a trusted proxy

    @Test
    void aTrustedProxysForwardedHostAndSchemeMakeTheLocationAndTheLinksStayPaths() {
        String token = newToken(trusting);

        var created = send(trusting, PROXY, "POST", "/api/todos", "{\"title\":\"Behind a proxy\"}",
                "Authorization", "Bearer " + token,
                "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Host", "api.example.com", "X-Forwarded-Proto", "https");
        send(trusting, PROXY, "POST", "/api/todos", "{\"title\":\"Another\"}", "Authorization", "Bearer " + token);
        var page = send(trusting, PROXY, "GET", "/api/todos?limit=1", null, "Authorization", "Bearer " + token,
                "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Host", "api.example.com", "X-Forwarded-Proto", "https");

        assertThat(created.status()).isEqualTo(201);
        String id = json(created).path("id").asText();
        assertThat(created.header("Location")).isEqualTo("https://api.example.com/api/todos/" + id);
        // links are absolute paths: they resolve against whatever origin the client used
        assertThat(json(created).path("_links").path("self").path("href").asText()).isEqualTo("/api/todos/" + id);
        assertThat(page.header("Link")).startsWith("</api/todos?limit=1&cursor=");
        assertThat(json(page).path("_links").path("next").path("href").asText()).startsWith("/api/todos?");
    }

    @Test
    void everyUriJerseyBuildsUsesTheForwardedOrigin() {
        var moved = send(trusting, PROXY, "GET", "/docs", null,
                "X-Forwarded-Host", "api.example.com:8443", "X-Forwarded-Proto", "https");
        var onItsPort = send(trusting, PROXY, "GET", "/docs", null,
                "X-Forwarded-Host", "api.example.com", "X-Forwarded-Proto", "https", "X-Forwarded-Port", "8443");
        // no forwarded host: the Host header the proxy passed on is the client's, with the forwarded scheme
        var sameHost = send(trusting, PROXY, "GET", "/docs", null, "X-Forwarded-Proto", "https");

        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.header("Location")).isEqualTo("https://api.example.com:8443/docs/");
        assertThat(onItsPort.header("Location")).isEqualTo("https://api.example.com:8443/docs/");
        assertThat(sameHost.header("Location")).isEqualTo("https://127.0.0.1:" + trusting.port() + "/docs/");
    }

    @Test
    void theAccessLineNamesTheForwardedClientAndTheProxy() {
        int mark = stdout.mark();

        var answer = send(trusting, PROXY, "GET", "/api/books", null, "X-Forwarded-For", "203.0.113.7");

        JsonNode line = accessLine(mark, answer);
        assertThat(line.path("remoteAddress").asText()).isEqualTo("203.0.113.7");
        assertThat(line.path("proxyAddress").asText()).isEqualTo(PROXY);
    }

    @Test
    void theClientIsTheRightMostUntrustedAddressNotTheLeftMostWhichTheClientWrote() {
        int mark = stdout.mark();

        // the client wrote "198.51.100.66"; the first proxy appended the client's real address; the second (10.x,
        // trusted) appended the first's; 127.0.0.1 is the peer. Two header lines are one list
        var answer = send(trusting, PROXY, "GET", "/api/books", null,
                "X-Forwarded-For", "198.51.100.66, 203.0.113.7", "X-Forwarded-For", "10.1.2.3");
        // only what trusted proxies wrote is read: whatever the client put to the left is never looked at
        var garbageOnTheLeft = send(trusting, PROXY, "GET", "/api/books", null,
                "X-Forwarded-For", "<script>, not an address, 203.0.113.8");

        assertThat(accessLine(mark, answer).path("remoteAddress").asText()).isEqualTo("203.0.113.7");
        assertThat(garbageOnTheLeft.status()).isEqualTo(200);
        assertThat(accessLine(mark, garbageOnTheLeft).path("remoteAddress").asText()).isEqualTo("203.0.113.8");
    }

    @Test
    void rfc7239ForwardedGivesTheClientTheSchemeAndTheHost() {
        String token = newToken(trusting);
        int mark = stdout.mark();

        var created = send(trusting, PROXY, "POST", "/api/todos", "{\"title\":\"RFC 7239\"}",
                "Authorization", "Bearer " + token,
                "Forwarded", "for=\"[2001:db8::1]:4711\";proto=https;host=example.org");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).startsWith("https://example.org/api/todos/todo_");
        assertThat(accessLine(mark, created).path("remoteAddress").asText()).isEqualTo("2001:db8::1");
    }

    @Test
    void forwardedIsPreferredAndItsSchemeAndHostAreThoseTheClientUsed() {
        String token = newToken(trusting);
        int mark = stdout.mark();

        // the edge proxy (10.0.0.9, trusted) saw the client over https at example.org; the inner one saw the edge
        // over http at an internal name: the client's view is the edge's element. X-Forwarded-* is not mixed in
        var created = send(trusting, PROXY, "POST", "/api/todos", "{\"title\":\"Two proxies\"}",
                "Authorization", "Bearer " + token,
                "Forwarded", "for=198.51.100.66;host=spoofed.example, for=203.0.113.7;proto=https;host=example.org,"
                        + " for=10.0.0.9;proto=http;host=quire.internal",
                "X-Forwarded-For", "192.0.2.200", "X-Forwarded-Host", "api.example.com");

        assertThat(created.header("Location")).startsWith("https://example.org/api/todos/todo_");
        assertThat(accessLine(mark, created).path("remoteAddress").asText()).isEqualTo("203.0.113.7");
    }

    @Test
    void aClientTheProxyWillNotNameCountsAsTheProxy() {
        int mark = stdout.mark();

        var hidden = send(trusting, PROXY, "GET", "/docs", null, "Forwarded", "for=_hidden:_port;proto=https");
        var unknown = send(trusting, PROXY, "GET", "/api/books", null, "X-Forwarded-For", "unknown");

        assertThat(hidden.header("Location")).startsWith("https://");
        assertThat(accessLine(mark, hidden).path("remoteAddress").asText()).isEqualTo(PROXY);
        assertThat(accessLine(mark, unknown).path("remoteAddress").asText()).isEqualTo(PROXY);
    }

    @Test
    void aPeerThatIsNotTrustedIsTreatedAsIfThereWereNoHeaders() {
        String client = newAddress();
        String token = newToken(trusting);
        int mark = stdout.mark();

        var created = send(trusting, client, "POST", "/api/todos", "{\"title\":\"Direct\"}",
                "Authorization", "Bearer " + token,
                "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Host", "api.example.com", "X-Forwarded-Proto", "https");
        // what would be refused from a trusted proxy is nobody's concern from anyone else
        var garbage = send(trusting, client, "GET", "/api/books", null, "X-Forwarded-Proto", "gopher",
                "Forwarded", "for=\"unterminated");

        assertThat(created.header("Location")).startsWith("http://127.0.0.1:" + trusting.port() + "/api/todos/");
        JsonNode line = accessLine(mark, created);
        assertThat(line.path("remoteAddress").asText()).isEqualTo(client);
        assertThat(line.has("proxyAddress")).isFalse();
        assertThat(garbage.status()).isEqualTo(200);
    }

    @Test
    void theRateLimitGivesEachForwardedClientItsOwnBudget() {
        var first = new ArrayList<Integer>();
        for (int i = 0; i <= LIMIT; i++) {
            first.add(send(trustingLimited, PROXY, "GET", "/api/books", null, "X-Forwarded-For", "203.0.113.21")
                    .status());
        }
        var second = send(trustingLimited, PROXY, "GET", "/api/books", null, "X-Forwarded-For", "203.0.113.22");

        assertThat(first).containsExactly(200, 200, 200, 429);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("RateLimit")).startsWith("\"address\";r=2;");
    }

    @Test
    void theFailedSignInLimitCountsTheForwardedClient() {
        String body = "{\"email\":\"%s\",\"password\":\"wrong password, surely\"}";

        var first = send(trustingLimited, PROXY, "POST", "/api/sessions",
                body.formatted(Identities.uniqueEmail("nobody")), "X-Forwarded-For", "203.0.113.31");
        var again = send(trustingLimited, PROXY, "POST", "/api/sessions",
                body.formatted(Identities.uniqueEmail("nobody")), "X-Forwarded-For", "203.0.113.31");
        var someoneElse = send(trustingLimited, PROXY, "POST", "/api/sessions",
                body.formatted(Identities.uniqueEmail("nobody")), "X-Forwarded-For", "203.0.113.32");

        assertThat(first.status()).isEqualTo(401);
        assertThat(again.status()).isEqualTo(429);
        assertThat(someoneElse.status()).isEqualTo(401);
    }

    // --- a trusted proxy that sends what cannot be read

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "X-Forwarded-Proto | gopher",
            "X-Forwarded-Host  | evil.example/phish",
            "X-Forwarded-Host  | user@evil.example",
            "X-Forwarded-Host  | example.org:99999",
            "X-Forwarded-Port  | 0",
            "X-Forwarded-For   | 203.0.113.7, not-an-address",
            "X-Forwarded-For   | 203.0.113.7:http",
            "Forwarded         | for=2001:db8::1",
            "Forwarded         | for=\"203.0.113.7",
            "Forwarded         | for=203.0.113.7;for=198.51.100.1",
            "Forwarded         | for=203.0.113.7;proto=ftp",
            "Forwarded         | for=203.0.113.7;host=\"two words\"",
            "Forwarded         | for 203.0.113.7"})
    void aTrustedProxysUnreadableHeaderIsRefusedWith400NamingIt(String header, String value) {
        int mark = stdout.mark();

        var refused = send(trusting, PROXY, "GET", "/api/books", null, header, value);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(refused.header("X-Content-Type-Options")).isEqualTo("nosniff");
        JsonNode problem = json(refused);
        assertThat(problem.path("title").asText()).isEqualTo("Bad Request");
        assertThat(problem.path("detail").asText()).contains(" " + header + " header").doesNotContain(value);
        assertThat(problem.path("requestId").asText()).isEqualTo(refused.header("X-Request-Id"));
        assertThat(accessLine(mark, refused).path("status").asInt()).isEqualTo(400);
        assertThat(stdout.jsonLinesSince(mark, line -> line.path("level").asText().equals("WARN")
                && line.path("logger").asText().equals(ForwardedHeadersFilter.class.getName())
                && line.path("message").asText().contains(header))).hasSize(1);
    }

    // --- helpers

    /** A request from {@code from}, with its own request id; {@code headers} are name, value pairs. */
    private static RawHttp.Response send(TestServer server, String from, String method, String path, String body,
            String... headers) {
        var head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nConnection: close\r\nX-Request-Id: forwarded-" + NEXT_ID.incrementAndGet() + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("\r\n");
        return RawHttp.exchange(server, from, out -> {
            out.write(RawHttp.ascii(head.toString()));
            out.write(bytes);
        });
    }

    /** Signs a new account up and in, each step from a client of its own, and returns its token. */
    private static String newToken(TestServer server) {
        String email = Identities.uniqueEmail("forwarded");
        String credentials = "{\"email\":\"" + email + "\",\"password\":\"" + Identities.PASSWORD + "\"";
        var account = send(server, newAddress(), "POST", "/api/accounts", credentials + ",\"displayName\":\"F\"}");
        assertThat(account.status()).as(account.body()).isEqualTo(201);
        var session = send(server, newAddress(), "POST", "/api/sessions", credentials + "}");
        assertThat(session.status()).as(session.body()).isEqualTo(201);
        return json(session).path("token").asText();
    }

    private JsonNode accessLine(int mark, RawHttp.Response response) {
        List<JsonNode> lines = stdout.awaitAccessLines(mark, response.header("X-Request-Id"));
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private static String newAddress() {
        return "127.0.0." + NEXT_ADDRESS.getAndIncrement();
    }

    private static JsonNode json(RawHttp.Response response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
