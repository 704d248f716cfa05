package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The request limits on the API: per client address and per account on everything under /api
 * ({@code QUIRE_RATE_LIMIT}), and per address on sign-ups ({@code QUIRE_SIGNUP_LIMIT}). Each client here is its own
 * loopback address (127.0.0.x), which is how the server tells clients apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {
    private static final int LIMIT = 5;
    private static final int SIGN_UPS = 2;
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    TestServer server;
    TestServer unlimited;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_RATE_LIMIT", String.valueOf(LIMIT))
                .setting("QUIRE_SIGNUP_LIMIT", String.valueOf(SIGN_UPS))
                .start();
        unlimited = TestServer.builder(TestDatabase.h2()).setting("QUIRE_RATE_LIMIT", "0").start();
    }

    @AfterAll
    void stop() {
        server.close();
        unlimited.close();
    }

    @Test
    void everyApiAnswerSaysWhichLimitAppliesAndWhatIsLeft() {
        String client = newAddress();

        var first = get(client, "/api/books", null);
        var second = get(client, "/api/books", null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("RateLimit-Policy")).isEqualTo("\"address\";q=5;w=60");
        assertThat(first.header("RateLimit")).isEqualTo("\"address\";r=4;t=12");
        // a greedy bucket gets one request back every 60 s / 5 = 12 s: two spent, full again in 24 s
        assertThat(second.header("RateLimit")).isEqualTo("\"address\";r=3;t=24");
    }

    @Test
    void aClientOverTheLimitGets429ProblemWithRetryAfterAndOthersAreUnaffected() {
        String greedy = newAddress();
        for (int i = 0; i < LIMIT; i++) {
            assertThat(get(greedy, "/api/books", null).status()).isEqualTo(200);
        }

        var refused = get(greedy, "/api/books", null);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = json(refused);
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("detail").asText()).contains("from this address").contains("at most 5 a minute");
        assertThat(problem.path("requestId").asText()).isEqualTo(refused.header("X-Request-Id"));
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 12);
        assertThat(refused.header("RateLimit")).startsWith("\"address\";r=0;");
        // another client, the health probes and the page are not held back by this one
        assertThat(get(newAddress(), "/api/books", null).status()).isEqualTo(200);
        assertThat(get(greedy, "/health/live", null).status()).isEqualTo(200);
        assertThat(get(greedy, "/", null).status()).isEqualTo(200);
        assertThat(get(greedy, "/health/live", null).header("RateLimit")).isNull();
    }

    @Test
    void aRefusedWriteChangesNothing() {
        var caller = newCaller();
        String client = newAddress();
        for (int i = 0; i < LIMIT; i++) {
            assertThat(get(client, "/api/books", null).status()).isEqualTo(200);
        }

        var refused = RawHttp.exchange(server, client, out -> out.write(RawHttp.ascii(
                "POST /api/todos HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + caller.bearer()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 16\r\nConnection: close\r\n\r\n"
                        + "{\"title\":\"lost\"}")));

        assertThat(refused.status()).isEqualTo(429);
        var todos = new Http(server).request("GET", "/api/todos").header("Authorization", caller.bearer()).send();
        assertThat(todos.json().path("items")).isEmpty();
    }

    @Test
    void oneAccountCannotSpreadItsRequestsOverManyAddresses() {
        var caller = newCaller();
        var answers = new ArrayList<RawHttp.Response>();
        for (int i = 0; i <= LIMIT; i++) {
            answers.add(get(newAddress(), "/api/todos", caller.bearer()));
        }

        assertThat(answers.subList(0, LIMIT)).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("RateLimit-Policy")).isEqualTo("\"address\";q=5;w=60, \"account\";q=5;w=60");
        });
        var refused = answers.get(LIMIT);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(json(refused).path("detail").asText()).contains("from this account");
        assertThat(refused.header("RateLimit")).matches("\"address\";r=4;t=\\d+, \"account\";r=0;t=\\d+");
    }

    @Test
    void signUpsHaveTheirOwnStricterLimitAndARefusedOneCreatesNoAccount() {
        String client = newAddress();
        var answers = new ArrayList<RawHttp.Response>();
        List<String> emails = new ArrayList<>();
        for (int i = 0; i <= SIGN_UPS; i++) {
            emails.add(Identities.uniqueEmail("signup"));
            answers.add(RawHttp.exchange(server, client, signUp(emails.get(i))));
        }

        assertThat(answers.subList(0, SIGN_UPS)).allSatisfy(answer -> assertThat(answer.status()).isEqualTo(201));
        var refused = answers.get(SIGN_UPS);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"address\";q=5;w=60, \"sign-up\";q=2;w=60");
        assertThat(json(refused).path("detail").asText()).contains("creating accounts from this address");
        // the refused email is still free: the same sign-up from another address succeeds
        var retried = RawHttp.exchange(server, newAddress(), signUp(emails.get(SIGN_UPS)));
        assertThat(retried.status()).isEqualTo(201);
    }

    @Test
    void corsPreflightsAreNotCounted() {
        String client = newAddress();
        for (int i = 0; i < LIMIT + 2; i++) {
            var preflight = RawHttp.exchange(server, client, out -> out.write(RawHttp.ascii(
                    "OPTIONS /api/books HTTP/1.1\r\nHost: localhost\r\nOrigin: http://elsewhere.example\r\n"
                            + "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n")));
            // an origin Quire does not list is refused (403), but never counted against the page's allowance
            assertThat(preflight.status()).isEqualTo(403);
        }
        assertThat(get(client, "/api/books", null).status()).isEqualTo(200);
    }

    @Test
    void zeroSwitchesTheGeneralLimitOff() {
        String client = "127.0.0.2";
        for (int i = 0; i < 3 * LIMIT; i++) {
            var answer = RawHttp.exchange(unlimited, client, request("GET", "/api/books", null));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("RateLimit-Policy")).isNull();
        }
    }

    private RawHttp.Response get(String client, String path, String bearer) {
        return RawHttp.exchange(server, client, request("GET", path, bearer));
    }

    private static RawHttp.Writer request(String method, String path, String bearer) {
        return out -> out.write(RawHttp.ascii(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (bearer == null ? "" : "Authorization: " + bearer + "\r\n") + "Connection: close\r\n\r\n"));
    }

    /** Signs up and in, each from an address of its own so the test's clients start with full buckets. */
    private Identities.Caller newCaller() {
        String email = Identities.uniqueEmail("limited");
        var account = RawHttp.exchange(server, newAddress(), signUp(email));
        assertThat(account.status()).isEqualTo(201);
        var session = RawHttp.exchange(server, newAddress(), RawHttp.json("POST", "/api/sessions",
                "{\"email\":\"" + email + "\",\"password\":\"" + Identities.PASSWORD + "\"}"));
        assertThat(session.status()).isEqualTo(201);
        return new Identities.Caller(json(account).path("id").asText(), email, json(session).path("token").asText());
    }

    private static RawHttp.Writer signUp(String email) {
        return RawHttp.json("POST", "/api/accounts", "{\"email\":\"" + email + "\",\"password\":\""
                + Identities.PASSWORD + "\",\"displayName\":\"Limited\"}");
    }

    private static String newAddress() {
        int n = NEXT_ADDRESS.getAndIncrement();
        return "127.0." + (n / 250) + "." + (n % 250 + 2);
    }

    private static JsonNode json(RawHttp.Response response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
