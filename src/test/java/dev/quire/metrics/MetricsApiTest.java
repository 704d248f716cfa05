package dev.quire.metrics;

import static dev.quire.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /metrics} on the real application: labelled by route template, and moving when the things it counts
 * happen. That it is valid Prometheus text is {@link MetricsPromtoolIT}'s to prove, with Prometheus's own checker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsApiTest {
    /** name{label="value",...} value; a label value may hold braces ({@code route="/api/todos/{id}"}). */
    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*})? (\\S+)$");

    TestServer server;
    Http http;
    Identities identities;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2()).setting("QUIRE_SIGNIN_LIMIT", "2").start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String scrape() {
        var response = http.get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    /** The value of the one sample with this name whose labels contain every given {@code label="value"}. */
    private static double sample(String text, String name, String... labels) {
        var values = new ArrayList<Double>();
        var named = new ArrayList<String>();
        for (String line : text.split("\n")) {
            var sample = SAMPLE.matcher(line);
            if (sample.matches() && sample.group(1).equals(name)) {
                named.add(line);
                String set = sample.group(2) == null ? "" : sample.group(2);
                if (List.of(labels).stream().allMatch(set::contains)) {
                    values.add(Double.parseDouble(sample.group(3)));
                }
            }
        }
        assertThat(values).as("samples of %s with %s among %s", name, List.of(labels), named).hasSize(1);
        return values.get(0);
    }

    @Test
    void timesRequestsByRouteTemplateNeverByRawPath() {
        var caller = identities.newCaller("routes");
        String id = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                .json("{\"title\":\"counted\"}").send().json().path("id").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(http.request("GET", "/api/todos/" + id).header("Authorization", caller.bearer()).send().status())
                    .isEqualTo(200);
        }
        http.get("/api/books/book_missing");
        http.get("/api/nowhere/" + id);
        http.get("/js/main.js");

        String text = scrape();
        assertThat(sample(text, "http_server_requests_seconds_count", "method=\"GET\"", "route=\"/api/todos/{id}\"",
                "status=\"200\"")).isEqualTo(3);
        assertThat(sample(text, "http_server_requests_seconds_count", "route=\"/api/books/{id}\"", "status=\"404\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(text, "http_server_requests_seconds_count", "route=\"unmatched\"", "status=\"404\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(text, "http_server_requests_seconds_count", "method=\"GET\"", "route=\"static\"",
                "status=\"200\"")).isGreaterThanOrEqualTo(1);
        assertThat(sample(text, "http_server_requests_seconds_bucket", "route=\"/api/todos/{id}\"", "status=\"200\"",
                "le=\"+Inf\"")).isEqualTo(3);
        assertThat(text).doesNotContain(id).doesNotContain("book_missing");
        assertThat(sample(text, "http_server_requests_in_flight")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void reportsThePoolTheQueriesAndTheJvm() {
        http.get("/api/books");
        String text = scrape();

        for (String pool : List.of("hikaricp_connections_active", "hikaricp_connections_idle",
                "hikaricp_connections_pending", "hikaricp_connections_max")) {
            assertThat(sample(text, pool, "pool=\"quire\"")).as(pool).isGreaterThanOrEqualTo(0);
        }
        assertThat(sample(text, "hikaricp_connections_acquire_seconds_count", "pool=\"quire\"")).isPositive();
        assertThat(sample(text, "quire_db_queries_seconds_count", "kind=\"select\"", "outcome=\"success\""))
                .isPositive();
        assertThat(sample(text, "jvm_memory_used_bytes", "area=\"nonheap\"", "id=\"Metaspace\"")).isPositive();
        assertThat(sample(text, "jvm_threads_live_threads")).isPositive();
        assertThat(text).contains("jvm_gc_", "process_cpu_usage", "process_uptime_seconds");
    }

    @Test
    void countsFailedSignInsRateLimitsAndIdempotentReplays() {
        var caller = identities.newCaller("counted");
        double failures = sample(scrape(), "quire_signin_failures_total");

        // from an address of their own, so the limit they reach does not refuse the other tests' sign-ins
        for (int i = 0; i < 2; i++) {
            assertThat(signInFrom("127.0.0.66", caller.email(), "not the password " + i).status()).isEqualTo(401);
        }
        assertThat(signInFrom("127.0.0.66", caller.email(), "third wrong guess").status()).isEqualTo(429);
        for (int i = 0; i < 2; i++) {
            assertThat(http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                    .header("Idempotency-Key", "metrics-replay").json("{\"title\":\"once\"}").send().status())
                    .isEqualTo(201);
        }

        String text = scrape();
        assertThat(sample(text, "quire_signin_failures_total")).isEqualTo(failures + 2);
        assertThat(sample(text, "quire_rate_limited_requests_total", "route=\"/api/sessions\"")).isEqualTo(1);
        assertThat(sample(text, "quire_idempotent_replays_total", "route=\"/api/todos\"")).isEqualTo(1);
    }

    private RawHttp.Response signInFrom(String address, String email, String password) {
        return RawHttp.exchange(server, address, RawHttp.json("POST", "/api/sessions",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"));
    }

    @Test
    void bearerTokensOfSessionsAreIgnoredWhileNoMetricsTokenIsSet() {
        assertThat(http.request("GET", "/metrics").header("Authorization", "Bearer not-a-session").send().status())
                .isEqualTo(200);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithAToken {
        static final String TOKEN = "s3cret-scrape-token-0123456789";
        TestServer guarded;
        Http client;

        @BeforeAll
        void start() {
            guarded = TestServer.builder(TestDatabase.h2()).setting("QUIRE_METRICS_TOKEN", TOKEN).start();
            client = new Http(guarded);
        }

        @AfterAll
        void stop() {
            guarded.close();
        }

        @Test
        void answersOnlyTheBearerOfTheToken() {
            var anonymous = client.get("/metrics");
            assertProblem(anonymous, 401);
            assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(anonymous.body()).doesNotContain("jvm_");

            for (String wrong : List.of("Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Basic " + TOKEN,
                    "Bearer")) {
                assertProblem(client.request("GET", "/metrics").header("Authorization", wrong).send(), 401);
            }
            var session = new Identities(client).newCaller("scraper");
            assertProblem(client.request("GET", "/metrics").header("Authorization", session.bearer()).send(), 401);

            var scraped = client.request("GET", "/metrics").header("Authorization", "Bearer " + TOKEN).send();
            assertThat(scraped.status()).isEqualTo(200);
            assertThat(scraped.body()).contains("http_server_requests_seconds_count");
        }
    }
}
