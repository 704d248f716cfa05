package dev.quire.http;

import static dev.quire.support.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Http;
import dev.quire.support.RawHttp;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The foundation over HTTP: the middleware chain, problem+json for every error, the entry point and the
 * health probes, on the real application in an embedded Jetty. Runs once per database (see subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
abstract class FoundationApiSuite {
    static final String ALLOWED_ORIGIN = "https://app.example.com";
    static final int LIMIT = 1024 * 1024;

    TestServer server;
    Http http;
    /** Suites share one JVM and its stdout: ids chosen by a test carry this suffix to stay unique. */
    final String run = Long.toHexString(System.nanoTime());
    final StdoutCapture stdout = StdoutCapture.install();

    abstract TestDatabase database();

    /** Where this suite's output starts: ids that tests choose recur in other suites of the same JVM. */
    int firstLine;

    @BeforeAll
    void startServer() {
        firstLine = stdout.mark();
        server = TestServer.builder(database())
                .setting("QUIRE_CORS_ORIGINS", ALLOWED_ORIGIN + ", http://localhost:5173")
                .resource(PlumbingProbeResource.class)
                .start();
        http = new Http(server);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    static void assertProblem(Http.Response response, int status, String instance) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asText()).isEqualTo("about:blank");
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).isNotBlank();
        assertThat(problem.path("instance").asText()).isEqualTo(instance);
        assertThat(problem.path("requestId").asText()).isEqualTo(response.requestId()).isNotBlank();
    }

    @Nested
    class EntryPoint {
        @Test
        void rootDocumentLinksItselfTheHealthProbesAndTheDocumentation() {
            var response = http.get("/api");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.contentType()).isEqualTo("application/json");
            JsonNode links = response.json().path("_links");
            assertThat(links.path("self").path("href").asText()).isEqualTo("/api");
            assertThat(links.path("health-live").path("href").asText()).isEqualTo("/health/live");
            assertThat(links.path("health-ready").path("href").asText()).isEqualTo("/health/ready");
            assertThat(links.path("openapi").path("href").asText()).isEqualTo("/api/openapi.json");
            assertThat(links.path("docs").path("href").asText()).isEqualTo("/docs/");
            assertThat(response.json().path("name").asText()).isEqualTo("Quire");
        }

        @Test
        void headAnswersWithTheHeadersOfGetAndNoBody() {
            var response = http.request("HEAD", "/api").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.contentType()).isEqualTo("application/json");
            assertThat(response.body()).isEmpty();
        }

        @Test
        void optionsListsTheAllowedMethods() {
            var response = http.request("OPTIONS", "/api").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Allow")).contains("GET", "HEAD", "OPTIONS");
        }

        @Test
        void livenessAnswersWhileTheProcessRuns() {
            var response = http.get("/health/live");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("status").asText()).isEqualTo("UP");
        }

        @Test
        void readinessAnswersWhileTheDatabaseDoes() {
            var response = http.get("/health/ready");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("checks").path("database").asText()).isEqualTo("UP");
        }

        @Test
        void theWebRootServesTheStaticPage() {
            var response = http.get("/");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.contentType()).startsWith("text/html");
            assertThat(response.body()).contains("<title>Quire</title>", "<script type=\"module\" src=\"js/main.js\">");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/js/main.js", "/js/api.js", "/css/app.css"})
        void thePagesFilesAreServedRevalidatedEachTime(String path) {
            var response = http.get(path);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.contentType()).startsWith(path.endsWith(".js") ? "text/javascript" : "text/css");
            assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
            // the container's own validator (Jetty sends Last-Modified; Tomcat both it and a weak ETag)
            assertThat(response.header("Last-Modified")).isNotBlank();
            assertThat(http.request("GET", path).header("If-Modified-Since", response.header("Last-Modified")).send()
                    .status()).isEqualTo(304);
        }
    }

    @Nested
    class Errors {
        @Test
        void unknownPathOutsideTheApiIsAProblem404() {
            assertProblem(http.get("/nope"), 404, "/nope");
        }

        @Test
        void unknownPathInsideTheApiIsAProblem404() {
            assertProblem(http.get("/api/nope"), 404, "/api/nope");
        }

        @Test
        void directRequestForTheErrorPageIsAProblem404() {
            assertProblem(http.get("/error"), 404, "/error");
        }

        @ParameterizedTest
        @ValueSource(strings = {"DELETE", "PUT", "PATCH", "POST"})
        void wrongMethodOnAResourceIs405WithAllow(String method) {
            var response = http.request(method, "/api").body("{}").send();

            assertProblem(response, 405, "/api");
            assertThat(response.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        }

        @ParameterizedTest
        @ValueSource(strings = {"DELETE", "PUT", "POST"})
        void writeMethodOnTheStaticWebRootIs405WithAllow(String method) {
            var response = http.request(method, "/index.html").body("x").send();

            assertProblem(response, 405, "/index.html");
            assertThat(response.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        }

        /** The container refuses TRACE before the application sees it; what matters is that nothing is echoed. */
        @ParameterizedTest
        @ValueSource(strings = {"/api", "/index.html"})
        void traceIsRefusedAndNeverEchoesTheRequest(String path) {
            var response = http.request("TRACE", path).header("X-Secret-Probe", "do-not-echo").send();

            assertThat(response.status()).isIn(403, 405);
            assertThat(response.body()).doesNotContain("do-not-echo");
        }

        @Test
        void unacceptableAcceptIs406() {
            var response = http.request("GET", "/api").header("Accept", "application/xml").send();

            assertProblem(response, 406, "/api");
        }

        @Test
        void wrongContentTypeIs415() {
            var response = http.request("POST", "/api/test-probe")
                    .header("Content-Type", "text/plain").body("{\"name\":\"a\"}").send();

            assertProblem(response, 415, "/api/test-probe");
            assertThat(response.json().path("detail").asText()).contains("text/plain");
        }

        @Test
        void missingContentTypeIs415() {
            var response = http.request("POST", "/api/test-probe").body("{\"name\":\"a\"}").send();

            assertProblem(response, 415, "/api/test-probe");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{", "{}x", "{\"name\": }", "{\"name\":\"a\",\"name\":\"b\"}", "nul", "[1,2"})
        void malformedJsonIs400(String body) {
            var response = http.request("POST", "/api/test-probe").json(body).send();

            assertProblem(response, 400, "/api/test-probe");
            assertThat(response.json().path("detail").asText()).contains("JSON");
        }

        @Test
        void emptyBodyIs400() {
            var response = http.request("POST", "/api/test-probe").json("").send();

            assertProblem(response, 400, "/api/test-probe");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "\"text\"", "42", "null"})
        void aDocumentThatIsNotAnObjectIs400(String body) {
            var response = http.request("POST", "/api/test-probe").json(body).send();

            assertProblem(response, 400, "/api/test-probe");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "name|{\"name\": 123}",
            "count|{\"count\": \"3\"}",
            "count|{\"count\": 1.5}",
            "flag|{\"flag\": \"yes\"}",
            "flag|{\"flag\": 1}",
            "tags|{\"tags\": \"a\"}",
            "nested.size|{\"nested\": {\"size\": \"big\"}}",
        })
        void aFieldOfTheWrongTypeIs422NamingTheField(String caseText) {
            String field = caseText.substring(0, caseText.indexOf('|'));
            String body = caseText.substring(caseText.indexOf('|') + 1);

            var response = http.request("POST", "/api/test-probe").json(body).send();

            assertProblem(response, 422, "/api/test-probe");
            assertThat(response.json().path("errors").get(0).path("field").asText()).isEqualTo(field);
            assertThat(response.json().path("errors").get(0).path("message").asText()).startsWith("must be");
        }

        @Test
        void anUnknownFieldIs422NamingTheField() {
            var response = http.request("POST", "/api/test-probe").json("{\"name\":\"a\",\"isAdmin\":true}").send();

            assertProblem(response, 422, "/api/test-probe");
            assertThat(response.json().path("errors").get(0).path("field").asText()).isEqualTo("isAdmin");
        }

        @Test
        void ruleViolationsAre422ListingEveryField() {
            var response = http.request("POST", "/api/test-probe/rules").json("{}").send();

            assertProblem(response, 422, "/api/test-probe/rules");
            JsonNode errors = response.json().path("errors");
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0).path("field").asText()).isEqualTo("name");
            assertThat(errors.get(1).path("field").asText()).isEqualTo("count");
        }

        @Test
        void validJsonIsBoundAndAnswered() {
            var response = http.request("POST", "/api/test-probe")
                    .json("{\"name\":\"Ünïcödé ✓\",\"count\":3,\"flag\":true,\"tags\":[\"a\"],\"nested\":{\"size\":2}}")
                    .send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("name").asText()).isEqualTo("Ünïcödé ✓");
            assertThat(response.json().path("nested").path("size").asInt()).isEqualTo(2);
        }

        @Test
        void aRuleFailureWithoutFieldsIs422() {
            var response = http.get("/api/test-probe/invalid-without-fields");

            assertProblem(response, 422, "/api/test-probe/invalid-without-fields");
            assertThat(response.json().has("errors")).isFalse();
        }

        @Test
        void optionsOnTheStaticWebRootListsOnlyReadMethods() {
            var response = http.request("OPTIONS", "/index.html").send();

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        }

        @Test
        void aMissingStaticFileIsAProblemWithEveryHeaderOfTheChain() {
            var response = http.request("GET", "/missing/style.css").header("Origin", ALLOWED_ORIGIN).send();

            assertProblem(response, 404, "/missing/style.css");
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
            assertThat(response.headers("Vary")).anySatisfy(vary -> assertThat(vary).contains("Origin"));
            assertThat(response.header("Cache-Control")).isEqualTo("no-store");
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(response.header("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.API_POLICY);
            assertThat(stdout.awaitAccessLines(firstLine, response.requestId())).singleElement().satisfies(line ->
                    assertThat(line.path("responseBytes").asLong()).isEqualTo(response.body().getBytes().length));
        }

        @ParameterizedTest
        @ValueSource(strings = {"/WEB-INF/web.xml", "/web-inf/web.xml", "/META-INF/MANIFEST.MF"})
        void theWebApplicationsPrivateFilesAreNotServed(String path) {
            var response = http.get(path);

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body()).doesNotContain("AppBootstrap");
        }

        @Test
        void anUnexpectedFailureIsAGeneric500LoggedOnceWithItsStackTrace() {
            var response = http.get("/api/test-probe/failure");

            assertProblem(response, 500, "/api/test-probe/failure");
            assertThat(response.body()).doesNotContain("password_hash", "org.h2", "Exception", "at dev.quire");
            var errorLines = stdout.await(() -> stdout.jsonLinesSince(firstLine, line -> "ERROR".equals(line.path("level").asText())
                    && response.requestId().equals(line.path("requestId").asText())));
            assertThat(errorLines).hasSize(1);
            assertThat(errorLines.get(0).path("stackTrace").asText())
                    .contains("IllegalStateException", "PlumbingProbeResource.failure");
        }
    }

    @Nested
    class BodyLimit {
        @Test
        void aDeclaredBodyOverTheLimitIs413BeforeAnyOfItIsSent() {
            // only the head is sent: the answer cannot depend on reading the body
            var response = RawHttp.exchange(server, out -> out.write(ascii("POST /api/test-probe HTTP/1.1\r\n"
                    + "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: " + (2 * LIMIT)
                    + "\r\nX-Request-Id: raw-declared-413-" + run + "\r\n\r\n")));

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(response.header("X-Request-Id")).isEqualTo("raw-declared-413-" + run);
            assertThat(response.body()).contains("\"status\":413", "\"requestId\":\"raw-declared-413-" + run + "\"");
        }

        @Test
        void aChunkedBodyOverTheLimitIs413() {
            var response = RawHttp.exchange(server, out -> {
                out.write(ascii("POST /api/test-probe HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                        + "X-Request-Id: raw-chunked-413-" + run + "\r\n\r\n"));
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                out.write(ascii("1\r\n{\r\n"));
                for (int i = 0; i < 2 * LIMIT / chunk.length; i++) {
                    out.write(ascii(Integer.toHexString(chunk.length) + "\r\n"));
                    out.write(chunk);
                    out.write(ascii("\r\n"));
                }
                out.write(ascii("1\r\n}\r\n0\r\n\r\n"));
            });

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("X-Request-Id")).isEqualTo("raw-chunked-413-" + run);
            assertThat(response.body()).contains("\"status\":413");
        }

        @Test
        void aChunkedBodyWithinTheLimitIsRead() {
            byte[] body = "{\"name\":\"chunked\"}".getBytes();
            var response = http.request("POST", "/api/test-probe")
                    .header("Content-Type", "application/json")
                    .body(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("name").asText()).isEqualTo("chunked");
        }

        @Test
        void aChunkedBodyOfExactlyTheLimitIsReadAndOneByteMoreIsNot() {
            String prefix = "{\"name\":\"";
            String suffix = "\"}";
            String atLimit = prefix + "b".repeat(LIMIT - prefix.length() - suffix.length()) + suffix;

            assertThat(sendChunked("/api/test-probe", "application/json", atLimit).status()).isEqualTo(200);
            assertThat(sendChunked("/api/test-probe", "application/json", atLimit.replace("\"}", "b\"}")).status())
                    .isEqualTo(413);
        }

        @Test
        void aChunkedBodyReadThroughTheReaderIsLimitedToo() {
            var response = sendChunked("/api/test-probe/reader", "text/plain", "r".repeat(2 * LIMIT));

            assertThat(response.status()).isEqualTo(413);
            assertThat(sendChunked("/api/test-probe/reader", "text/plain", "r".repeat(1000)).body())
                    .contains("\"count\":1000");
        }

        private RawHttp.Response sendChunked(String path, String contentType, String body) {
            return RawHttp.exchange(server, out -> {
                out.write(ascii("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
                byte[] bytes = ascii(body);
                for (int at = 0; at < bytes.length; at += 64 * 1024) {
                    int length = Math.min(64 * 1024, bytes.length - at);
                    out.write(ascii(Integer.toHexString(length) + "\r\n"));
                    out.write(bytes, at, length);
                    out.write(ascii("\r\n"));
                }
                out.write(ascii("0\r\n\r\n"));
            });
        }

        @Test
        void aBodyOfExactlyTheLimitIsAcceptedAndOneByteMoreIsNot() {
            String prefix = "{\"name\":\"";
            String suffix = "\"}";
            String atLimit = prefix + "a".repeat(LIMIT - prefix.length() - suffix.length()) + suffix;

            String overLimit = atLimit.replace("\"}", "a\"}");

            assertThat(http.request("POST", "/api/test-probe").json(atLimit).send().status()).isEqualTo(200);
            var over = RawHttp.exchange(server, out -> {
                out.write(ascii("POST /api/test-probe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + overLimit.length() + "\r\n\r\n"));
                out.write(ascii(overLimit));
            });
            assertThat(over.status()).isEqualTo(413);
        }
    }

    @Nested
    class RequestIds {
        @ParameterizedTest
        @ValueSource(strings = {"a", "abc-DEF_123.xyz", "0123456789abcdef0123456789abcdef"})
        void aWellFormedInboundIdIsEchoed(String id) {
            assertThat(http.request("GET", "/api").header("X-Request-Id", id).send().requestId()).isEqualTo(id);
        }

        @Test
        void anInboundIdOf128CharactersIsEchoed() {
            String id = "x".repeat(128);
            assertThat(http.request("GET", "/api").header("X-Request-Id", id).send().requestId()).isEqualTo(id);
        }

        @ParameterizedTest
        @ValueSource(strings = {"has space", "semi;colon", "slash/y", "ünïcode", "quote\"d", "<script>"})
        void aMalformedInboundIdIsReplaced(String id) {
            var response = http.request("GET", "/api").header("X-Request-Id", id).send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.requestId()).matches("[0-9a-f]{32}");
        }

        @Test
        void anInboundIdOver128CharactersIsReplaced() {
            var response = http.request("GET", "/api").header("X-Request-Id", "x".repeat(129)).send();

            assertThat(response.requestId()).matches("[0-9a-f]{32}");
        }

        @Test
        void generatedIdsDifferPerRequest() {
            var first = http.request("GET", "/api").header("X-Request-Id", "bad id").send().requestId();
            var second = http.request("GET", "/api").header("X-Request-Id", "bad id").send().requestId();

            assertThat(first).isNotEqualTo(second);
        }

        @Test
        void errorsAnsweredOutsideJerseyCarryTheId() {
            var notFound = http.request("GET", "/missing.css").header("X-Request-Id", "static-404-" + run).send();

            assertThat(notFound.requestId()).isEqualTo("static-404-" + run);
            assertThat(notFound.json().path("requestId").asText()).isEqualTo("static-404-" + run);
        }
    }

    @Nested
    class SecurityHeaders {
        @Test
        void apiResponsesAreNotCachedNorFramedNorSniffed() {
            var response = http.get("/api");

            assertThat(response.header("Cache-Control")).isEqualTo("no-store");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(response.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        }

        @Test
        void errorResponsesCarryTheSameHeaders() {
            var response = http.get("/nope");

            assertThat(response.header("Cache-Control")).isEqualTo("no-store");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }

        @Test
        void pagesGetAStrictPolicyWithNoInlineScript() {
            var response = http.get("/index.html");

            String policy = response.header("Content-Security-Policy");
            assertThat(policy).contains("default-src 'self'", "script-src 'self'", "object-src 'none'",
                    "frame-ancestors 'none'");
            assertThat(policy).doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }

    @Nested
    class Cors {
        @Test
        void aPreflightFromAnAllowedOriginIsAnsweredByTheFilter() {
            var response = http.request("OPTIONS", "/api/test-probe")
                    .header("Origin", ALLOWED_ORIGIN)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
                    .send();

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
            assertThat(response.header("Access-Control-Allow-Methods")).contains("GET", "POST", "PUT", "PATCH", "DELETE");
            assertThat(response.header("Access-Control-Allow-Headers")).contains("Authorization", "Content-Type",
                    "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-Id");
            assertThat(response.header("Access-Control-Max-Age")).isEqualTo("600");
            assertThat(response.headers("Vary")).anySatisfy(vary -> assertThat(vary).contains("Origin"));
            assertThat(response.header("Access-Control-Allow-Credentials")).isNull();
        }

        @Test
        void aPreflightFromAnotherOriginIsRefusedWithoutCorsHeaders() {
            var response = http.request("OPTIONS", "/api")
                    .header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "DELETE")
                    .send();

            assertProblem(response, 403, "/api");
            assertThat(response.header("Access-Control-Allow-Origin")).isNull();
            assertThat(response.header("Access-Control-Allow-Methods")).isNull();
        }

        @Test
        void anAllowedOriginMayReadTheResponseAndItsHeaders() {
            var response = http.request("GET", "/api").header("Origin", "http://localhost:5173").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
            assertThat(response.header("Access-Control-Expose-Headers"))
                    .contains("X-Request-Id", "Location", "ETag", "Link", "Retry-After");
        }

        @Test
        void anotherOriginIsNeverEchoed() {
            var response = http.request("GET", "/api").header("Origin", "https://app.example.com.evil.example").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Access-Control-Allow-Origin")).isNull();
            assertThat(response.header("Access-Control-Expose-Headers")).isNull();
        }

        @Test
        void aResourceSettingItsOwnVaryKeepsOrigin() {
            var response = http.request("GET", "/api/test-probe/vary").header("Origin", ALLOWED_ORIGIN).send();

            assertThat(String.join(", ", response.headers("Vary"))).contains("Accept-Encoding", "Origin");
        }

        @Test
        void responsesVaryByOriginEvenWithoutOne() {
            assertThat(http.get("/api").headers("Vary")).anySatisfy(vary -> assertThat(vary).contains("Origin"));
        }

        @Test
        void errorsCarryCorsHeadersForAnAllowedOrigin() {
            var response = http.request("GET", "/api/nope").header("Origin", ALLOWED_ORIGIN).send();

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
        }
    }

    @Nested
    class AccessLog {
        @Test
        void aRequestWritesOneJsonLineWithEveryField() {
            var response = http.request("GET", "/health/live?debug=1").header("User-Agent", "quire-tests/1.0").send();

            var lines = stdout.awaitAccessLines(firstLine, response.requestId());
            assertThat(lines).hasSize(1);
            JsonNode line = lines.get(0);
            assertThat(line.path("timestamp").asText()).isNotBlank();
            assertThat(line.path("method").asText()).isEqualTo("GET");
            assertThat(line.path("path").asText()).isEqualTo("/health/live");
            assertThat(line.path("query").asText()).isEqualTo("debug=1");
            assertThat(line.path("status").asInt()).isEqualTo(200);
            assertThat(line.path("durationMs").isIntegralNumber()).isTrue();
            assertThat(line.path("responseBytes").asLong()).isEqualTo(response.body().getBytes().length);
            assertThat(line.path("remoteAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(line.path("userAgent").asText()).isEqualTo("quire-tests/1.0");
        }

        @Test
        void secretsInAPathStayOutOfEveryLineAndAnswerEvenWhenTheBodyNeverArrives() {
            int mark = stdout.mark();
            String token = "Zq" + "x".repeat(41);
            String key = "quire_pat_" + "Kq".repeat(27);
            String id = "unread-secret-" + run;
            try (var connection = RawHttp.Connection.open(server)) {
                // a reset whose body stops halfway: the server logs that it never came
                connection.write("POST /api/password-resets/" + token + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: " + id
                        + "\r\n\r\n{\"password\":");
            }
            var notFound = http.request("GET", "/api/todos/" + key + "/nothing").send();

            assertThat(stdout.awaitAccessLines(mark, id)).hasSize(1);
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.body()).doesNotContain(key.substring(10)).contains("quire_pat_[redacted]");
            assertThat(stdout.linesSince(mark)).as("every line logged meanwhile")
                    .noneMatch(line -> line.contains(token) || line.contains(key.substring(10)));
        }

        @Test
        void errorsAreLoggedWithTheirStatus() {
            var notFound = http.get("/nope");
            var tooLarge = RawHttp.exchange(server, out -> out.write(ascii("POST /api HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 99999999\r\nX-Request-Id: log-413-" + run + "\r\n\r\n")));

            assertThat(stdout.awaitAccessLines(firstLine, notFound.requestId())).singleElement()
                    .satisfies(line -> assertThat(line.path("status").asInt()).isEqualTo(404));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(stdout.awaitAccessLines(firstLine, "log-413-" + run)).singleElement()
                    .satisfies(line -> assertThat(line.path("status").asInt()).isEqualTo(413));
        }
    }

    /** Runs after the other groups: by then every request they made has had time to be logged. */
    @Nested
    @Order(Integer.MAX_VALUE)
    class Afterwards {
        @Test
        void everyRequestOfTheSuiteLeftExactlyOneAccessLine() throws InterruptedException {
            Thread.sleep(200);
            var ids = http.requestIds();
            assertThat(ids).hasSizeGreaterThan(50);
            for (String id : ids) {
                assertThat(stdout.accessLinesSince(firstLine, id)).as("access lines for " + id).hasSize(1);
            }
        }
    }
}
