package dev.quire.http;

import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP as RFC 9110 and the OpenAPI document say, where third-party clients found Quire wanting: an operation that
 * answers without a body does its work whatever the Accept header asks (a client generated from the document asks
 * for application/problem+json); q=0 excludes; the Content-Type of an answer never carries a label the bytes do not
 * keep; a media-type header Quire cannot read is a problem with every header of the chain, or ignored where there is
 * no body; one Idempotency-Key; text is trimmed of any Unicode white space. The bad-input catalogue holds the
 * refusals; this suite holds what must still work. Runs once per database (see subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceSuite {
    private static final String PROBLEM = "application/problem+json";

    private TestServer server;
    private Http http;
    private Identities identities;
    private Identities.Caller ada;

    abstract TestDatabase database();

    @BeforeAll
    void start() {
        server = TestServer.builder(database()).setting("QUIRE_DEMO_DATA", "true").start();
        http = new Http(server);
        identities = new Identities(http);
        ada = identities.newCaller("Ada");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {PROBLEM, "application/json;q=0", "application/xml", "*/*;q=0",
        "application/json;q=0, application/problem+json"})
    void deletingATodoWorksWhateverTheAcceptHeader(String accept) {
        String todo = createTodo("Gone soon", false);

        var deleted = http.request("DELETE", todo).header("Authorization", ada.bearer()).header("Accept", accept).send();

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(deleted.contentType()).isNull();
        assertProblem(signedIn("GET", todo).send(), 404);
    }

    @Test
    void everyOperationWithoutABodyDoesItsWorkForAClientThatAcceptsOnlyProblems() {
        String done = createTodo("Done", true);
        String open = createTodo("Open", false);
        clear(signedIn("DELETE", "/api/todos?completed=true").header("Accept", PROBLEM).send());
        assertThat(signedIn("GET", done).send().status()).isEqualTo(404);
        assertThat(signedIn("GET", open).send().status()).isEqualTo(200);

        var book = signedIn("POST", "/api/books").json("{\"title\":\"Accepted\",\"author\":\"A. Client\"}").send();
        String bookPath = "/api/books/" + book.json().path("id").asText();
        var bob = identities.newCaller("Bob");
        var review = http.request("POST", bookPath + "/reviews").header("Authorization", bob.bearer())
                .json("{\"rating\":4}").send();
        String reviewPath = bookPath + "/reviews/" + review.json().path("id").asText();
        clear(http.request("DELETE", reviewPath).header("Authorization", bob.bearer()).header("Accept", PROBLEM).send());
        assertThat(http.get(reviewPath).status()).isEqualTo(404);
        clear(signedIn("DELETE", bookPath).header("Accept", PROBLEM).send());
        assertThat(http.get(bookPath).status()).isEqualTo(404);

        var carol = identities.newCaller("Carol");
        clear(http.request("PUT", "/api/accounts/me/password").header("Authorization", carol.bearer())
                .header("Accept", PROBLEM).json("{\"currentPassword\":\"" + Identities.PASSWORD
                        + "\",\"newPassword\":\"an entirely new passphrase\"}").send());
        assertThat(identities.signIn(carol.email(), Identities.PASSWORD).status()).isEqualTo(401);
        assertThat(identities.signIn(carol.email(), "an entirely new passphrase").status()).isEqualTo(201);

        var dora = identities.newCaller("Dora");
        var other = identities.signIn(dora.email(), Identities.PASSWORD).json().path("token").asText();
        clear(http.request("DELETE", "/api/sessions/me").header("Authorization", dora.bearer())
                .header("Accept", PROBLEM).send());
        assertThat(http.request("GET", "/api/sessions/me").header("Authorization", dora.bearer()).send().status())
                .isEqualTo(401);
        clear(http.request("DELETE", "/api/sessions").header("Authorization", "Bearer " + other)
                .header("Accept", PROBLEM).send());
        assertThat(http.request("GET", "/api/sessions/me").header("Authorization", "Bearer " + other).send().status())
                .isEqualTo(401);
    }

    @Test
    void aRefusalOfAnOperationWithoutABodyIsStillAProblem() {
        var missing = signedIn("DELETE", "/api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W").header("Accept", "text/html")
                .send();

        assertProblem(missing, 404);
    }

    @Test
    void theContentTypeNeverCarriesALabelTheBytesDoNotKeep() {
        String godel = bookTitled("Gödel, Escher, Bach");
        for (String accept : List.of("application/json; charset=utf-8", "application/json;charset=UTF8",
                "text/html;q=0.9, application/json;q=0.5;", "*/*", "application/*")) {
            var response = http.request("GET", godel).header("Accept", accept).send();

            assertThat(response.status()).as(accept).isEqualTo(200);
            assertThat(response.contentType()).as(accept).isEqualTo("application/json");
            assertThat(response.json().path("title").asText()).isEqualTo("Gödel, Escher, Bach");
        }
        var raw = RawHttp.exchange(server, out -> out.write(ascii("GET " + server.contextPath() + godel
                + " HTTP/1.1\r\nHost: x\r\nAccept: application/json; charset=utf-8\r\nConnection: close\r\n\r\n")));
        assertThat(raw.body()).contains("Gödel"); // RawHttp reads the bytes as UTF-8
        for (String accept : List.of("application/json; charset=iso-8859-1", "application/json; charset=utf-16")) {
            assertProblem(http.request("GET", godel).header("Accept", accept).send(), 406);
        }
    }

    @Test
    void excludedTypesAreExcludedAndTheMostSpecificRangeDecides() {
        assertProblem(http.request("GET", "/api").header("Accept", "application/json;q=0").send(), 406);
        assertProblem(http.request("GET", "/api").header("Accept", "*/*;q=0").send(), 406);
        assertProblem(http.request("GET", "/api").header("Accept", "application/json;q=0, */*;q=1").send(), 406);
        assertThat(http.request("GET", "/api").header("Accept", "*/*;q=0, application/json;q=0.1").send().status())
                .isEqualTo(200);
        assertThat(http.request("GET", "/api").header("Accept", "application/*;q=0, application/json").send().status())
                .isEqualTo(200);
        // several Accept fields are one list
        var split = http.request("GET", "/api").header("Accept", "text/html").header("Accept", "application/json;q=0.2")
                .send();
        assertThat(split.status()).isEqualTo(200);
        assertThat(split.contentType()).isEqualTo("application/json");
    }

    @Test
    void theMetricsScrapeStillNegotiatesItsTextFormat() {
        var scrape = http.request("GET", "/metrics").header("Accept",
                "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2").send();
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.contentType()).startsWith("text/plain").contains("version=0.0.4");
        assertProblem(http.request("GET", "/metrics").header("Accept", "text/plain;version=1.0.0").send(), 406);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "a/b; x", "application/json; charset", "text/plain; charset=\"utf-8"})
    void aContentTypeOnARequestWithoutABodyIsIgnored(String type) {
        for (String path : List.of("/api/books?per_page=1", "/health/live", "/api")) {
            var response = raw("GET " + path + " HTTP/1.1\r\nContent-Type: " + type + "\r\n\r\n");

            assertThat(response.status()).as(path + " " + response).isEqualTo(200);
            assertThat(response.header("X-Request-Id")).isNotBlank();
        }
        var twice = raw("GET /api/books?per_page=1 HTTP/1.1\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\n");
        assertThat(twice.status()).isEqualTo(200);
        var deleted = raw("DELETE " + createTodo("No body", false) + " HTTP/1.1\r\nAuthorization: " + ada.bearer()
                + "\r\nContent-Type: /\r\nContent-Length: 0\r\n\r\n");
        assertThat(deleted.status()).isEqualTo(204);
    }

    @Test
    void aBrokenMediaTypeHeaderIsAProblemWithEveryHeaderOfTheChain() {
        String body = "{\"title\":\"a\"}";
        var response = raw("POST /api/todos HTTP/1.1\r\nAuthorization: " + ada.bearer() + "\r\nX-Request-Id: broken-ct-1"
                + "\r\nContent-Type: a/b; x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).isEqualTo(PROBLEM);
        assertThat(response.header("X-Request-Id")).isEqualTo("broken-ct-1");
        assertThat(response.body()).contains("\"requestId\":\"broken-ct-1\"", "Content-Type");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        var accept = raw("GET /health/live HTTP/1.1\r\nX-Request-Id: broken-accept-1\r\nAccept: application/json;q=2"
                + "\r\n\r\n");
        assertThat(accept.status()).isEqualTo(400);
        assertThat(accept.header("X-Request-Id")).isEqualTo("broken-accept-1");
        assertThat(accept.body()).contains("Accept");
    }

    @Test
    void aJsonBodyLabelledUtf8IsRead() {
        var created = signedIn("POST", "/api/todos").header("Content-Type", "application/json; charset=UTF-8")
                .body("{\"title\":\"Crème brûlée\"}").send();

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("title").asText()).isEqualTo("Crème brûlée");
    }

    @Test
    void twoIdempotencyKeysCreateNothing() {
        int before = todoCount();
        var twice = signedIn("POST", "/api/todos").header("Idempotency-Key", "k-1").header("Idempotency-Key", "k-2")
                .json("{\"title\":\"Twice keyed\"}").send();

        assertProblem(twice, 400);
        assertThat(twice.json().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(todoCount()).isEqualTo(before);
        assertThat(signedIn("POST", "/api/todos").header("Idempotency-Key", "k-1").json("{\"title\":\"Keyed\"}").send()
                .status()).isEqualTo(201);
    }

    @Test
    void textIsStrippedOfAnyUnicodeWhiteSpaceAndKeepsWhatIsInside() {
        var todo = signedIn("POST", "/api/todos").json("{\"title\":\"\\u3000\\t Buy\\u00a0milk \\u200b\\n\"}").send();
        assertThat(todo.status()).as(todo.toString()).isEqualTo(201);
        assertThat(todo.json().path("title").asText()).isEqualTo("Buy\u00a0milk");

        var book = signedIn("POST", "/api/books").json("{\"title\":\"\\u2003Spaced\\u2003\",\"author\":\"\\u00a0Ann\","
                + "\"genre\":\" Essay\\u3000\"}").send();
        assertThat(book.status()).as(book.toString()).isEqualTo(201);
        assertThat(book.json().path("title").asText()).isEqualTo("Spaced");
        assertThat(book.json().path("author").asText()).isEqualTo("Ann");
        // "Essay" is an alias of the listed genre Essays: stripped, then stored as the genre's name
        assertThat(book.json().path("genre").asText()).isEqualTo("Essays");

        var renamed = signedIn("PATCH", "/api/accounts/me").json("{\"displayName\":\"\\u202fAda L.\\u3000\"}").send();
        assertThat(renamed.json().path("displayName").asText()).isEqualTo("Ada L.");

        var refused = signedIn("POST", "/api/todos").json("{\"title\":\"Bell\\u0007\"}").send();
        assertProblem(refused, 422);
        assertThat(refused.json().path("detail").asText()).contains("control characters");
    }

    @Test
    void parametersAreNamedWhenWrongAndNeverIgnored() {
        var cleared = signedIn("DELETE", "/api/todos?completed=true&q=x").send();
        assertProblem(cleared, 400);
        assertThat(cleared.json().path("detail").asText()).startsWith("q is not a parameter here");

        var twice = signedIn("DELETE", "/api/todos?completed=true&completed=true").send();
        assertThat(twice.json().path("detail").asText()).isEqualTo("completed is given more than once");

        var empty = http.get("/api/books?author=");
        assertProblem(empty, 400);
        assertThat(empty.json().path("detail").asText()).startsWith("author is empty");

        var none = http.get("/api/books/book_00000000000000000000000001?expand=reviews&fields=title");
        assertProblem(none, 400);
        assertThat(none.json().path("errors").findValuesAsText("field")).containsExactly("expand", "fields");
        // outside /api, query strings are not the API's: a probe may carry one
        assertThat(http.get("/health/ready?probe=1").status()).isEqualTo(200);
    }

    private void clear(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
    }

    private Http.Request signedIn(String method, String path) {
        return http.request(method, path).header("Authorization", ada.bearer());
    }

    private String createTodo(String title, boolean completed) {
        var created = signedIn("POST", "/api/todos").json("{\"title\":\"" + title + "\",\"completed\":" + completed + "}")
                .send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return "/api/todos/" + created.json().path("id").asText();
    }

    private int todoCount() {
        return signedIn("GET", "/api/todos?limit=100").send().json().path("items").size();
    }

    private String bookTitled(String title) {
        var found = http.get("/api/books?q=" + java.net.URLEncoder.encode(title.split(",")[0], StandardCharsets.UTF_8));
        for (var book : found.json().path("items")) {
            if (book.path("title").asText().equals(title)) {
                return "/api/books/" + book.path("id").asText();
            }
        }
        throw new AssertionError("No book titled " + title + ": " + found);
    }

    /**
     * A request on its own connection: a request line and headers, each ending in CRLF, then an empty line and any
     * body. The path is within the application; Host and Connection: close are added.
     */
    private RawHttp.Response raw(String request) {
        int lineEnd = request.indexOf("\r\n");
        String[] line = request.substring(0, lineEnd).split(" ");
        String full = line[0] + " " + server.contextPath() + line[1] + " " + line[2] + "\r\nHost: x\r\nConnection: close"
                + request.substring(lineEnd);
        byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(server, out -> out.write(bytes));
    }
}
