package dev.quire.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.EventStreamClient;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real requests of every tag, happy paths and errors, each answer checked against what the OpenAPI document says
 * of its operation: the status is listed, the media type given, the body valid against the schema, the required
 * headers there. The bodies of the requests that succeed are checked against the document's request schemas too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractTest {
    private static final String DUNE = "/api/books/book_00000000000000000000000001";
    /** Failed sign-ins from one address are limited; this one is used for nothing else. */
    private static final String THROTTLED_ADDRESS = "127.0.0.77";
    private static final int SIGN_IN_LIMIT = 3;
    private static final int STREAMS_PER_ACCOUNT = 2;
    private static final int STREAMS_PER_INSTANCE = 4;
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

    private TestServer server;
    private Http http;
    private Identities identities;
    private OpenApiContract contract;
    private Identities.Caller ada;
    private Identities.Caller bob;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_DEMO_DATA", "true")
                .setting("QUIRE_SIGNIN_LIMIT", String.valueOf(SIGN_IN_LIMIT))
                .setting("QUIRE_MAX_BODY_BYTES", "4096")
                .setting("QUIRE_STREAMS_PER_ACCOUNT", String.valueOf(STREAMS_PER_ACCOUNT))
                .setting("QUIRE_STREAMS_PER_INSTANCE", String.valueOf(STREAMS_PER_INSTANCE))
                // a stream whose client has gone is noticed at its next heartbeat: soon, so the limits are free again
                .eventHeartbeat(Duration.ofMillis(200))
                .start();
        http = new Http(server);
        identities = new Identities(http);
        contract = new OpenApiContract(http.get("/api/openapi.json").body(), server.contextPath());
        ada = identities.newCaller("Ada");
        bob = identities.newCaller("Bob");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void metaAndHealth() {
        expect(200, http.request("GET", "/api"));
        expect(200, http.request("GET", "/api").header("Authorization", ada.bearer()));
        expect(401, http.request("GET", "/api").header("Authorization", "Bearer not-a-token"));
        expect(406, http.request("GET", "/api").header("Accept", "application/xml"));
        var document = expect(200, http.request("GET", "/api/openapi.json"));
        expect(304, http.request("GET", "/api/openapi.json").header("If-None-Match", document.header("ETag")));
        expect(200, http.request("GET", "/health/live"));
        expect(200, http.request("GET", "/health/ready"));
        expect(301, http.request("GET", "/docs"));
        var page = expect(200, http.request("GET", "/docs/"));
        expect(304, http.request("GET", "/docs/").header("If-None-Match", page.header("ETag")));
        expect(200, http.request("GET", "/docs/init.js"));
        expect(200, http.request("GET", "/docs/swagger-ui.css"));
        expect(200, http.request("GET", "/docs/favicon-32x32.png"));
        expect(404, http.request("GET", "/docs/swagger-initializer.js"));
        expect(200, http.request("GET", "/metrics"));
        expect(406, http.request("GET", "/metrics").header("Accept", "application/json"));
    }

    @Test
    void accounts() {
        String email = Identities.uniqueEmail("carol");
        String signUp = "{\"email\":\"" + email + "\",\"password\":\"" + Identities.PASSWORD
                + "\",\"displayName\":\"Carol\"}";
        contract.checkRequest("POST", "/api/accounts", "application/json", signUp);
        var carol = expect(201, json("POST", "/api/accounts", null, signUp));
        expect(409, json("POST", "/api/accounts", null, signUp));
        expect(422, json("POST", "/api/accounts", null, "{\"email\":\"nope\",\"password\":\"short\",\"displayName\":\"\"}"));
        expect(422, json("POST", "/api/accounts", null, "{\"email\":\"a@example.com\",\"isAdmin\":true}"));
        expect(400, json("POST", "/api/accounts", null, "{\"email\":"));
        expect(415, http.request("POST", "/api/accounts").header("Content-Type", "text/plain").body(signUp));

        expect(200, http.request("GET", "/api/accounts/me").header("Authorization", ada.bearer()));
        expect(200, http.request("GET", "/api/accounts/" + ada.accountId()).header("Authorization", ada.bearer()));
        expect(404, http.request("GET", "/api/accounts/" + carol.json().path("id").asText())
                .header("Authorization", ada.bearer()));
        expect(401, http.request("GET", "/api/accounts/me"));
        String rename = "{\"displayName\":\"Ada Lovelace\"}";
        contract.checkRequest("PATCH", "/api/accounts/me", "application/merge-patch+json", rename);
        expect(200, http.request("PATCH", "/api/accounts/me").header("Authorization", ada.bearer())
                .header("Content-Type", "application/merge-patch+json").body(rename));
        expect(422, json("PATCH", "/api/accounts/me", ada, "{\"displayName\":null}"));

        var dora = identities.newCaller("Dora");
        String change = "{\"currentPassword\":\"" + Identities.PASSWORD + "\",\"newPassword\":\"a brand new passphrase\"}";
        contract.checkRequest("PUT", "/api/accounts/me/password", "application/json", change);
        expect(204, json("PUT", "/api/accounts/me/password", dora, change));
        expect(422, json("PUT", "/api/accounts/me/password", dora, change));
    }

    @Test
    void sessions() {
        var erin = identities.newCaller("Erin");
        String signIn = "{\"email\":\"" + erin.email() + "\",\"password\":\"" + Identities.PASSWORD + "\"}";
        contract.checkRequest("POST", "/api/sessions", "application/json", signIn);
        var started = expect(201, json("POST", "/api/sessions", null, signIn));
        String token = "Bearer " + started.json().path("token").asText();
        expect(401, json("POST", "/api/sessions", null, "{\"email\":\"" + erin.email() + "\",\"password\":\"wrong!\"}"));
        expect(422, json("POST", "/api/sessions", null, "{\"email\":\"" + erin.email() + "\"}"));

        expect(200, http.request("GET", "/api/sessions/me").header("Authorization", token));
        expect(204, http.request("DELETE", "/api/sessions/me").header("Authorization", token));
        expect(401, http.request("GET", "/api/sessions/me").header("Authorization", token));
        expect(204, http.request("DELETE", "/api/sessions").header("Authorization", erin.bearer()));
        expect(401, http.request("DELETE", "/api/sessions"));
    }

    @Test
    void sessionListAndEndingSessions() {
        var gail = identities.newCaller("Gail");
        var other = identities.signIn(gail.email(), Identities.PASSWORD);
        var third = identities.signIn(gail.email(), Identities.PASSWORD);
        expect(200, http.request("GET", "/api/sessions").header("Authorization", gail.bearer()));
        expect(401, http.request("GET", "/api/sessions"));
        expect(204, http.request("DELETE", "/api/sessions/" + other.json().path("id").asText())
                .header("Authorization", gail.bearer()));
        expect(404, http.request("DELETE", "/api/sessions/" + other.json().path("id").asText())
                .header("Authorization", gail.bearer()));
        expect(401, http.request("DELETE", "/api/sessions/" + third.json().path("id").asText()));
        expect(204, http.request("DELETE", "/api/sessions/others").header("Authorization", gail.bearer()));
        expect(401, http.request("DELETE", "/api/sessions/others"));
    }

    @Test
    void apiKeys() {
        var hal = identities.newCaller("Hal");
        String body = "{\"name\":\"reader\",\"scopes\":[\"todos:read\",\"account:read\"],"
                + "\"expiresAt\":\"2099-01-01T00:00:00Z\"}";
        contract.checkRequest("POST", "/api/keys", "application/json", body);
        var created = expect(201, json("POST", "/api/keys", hal, body));
        String key = "Bearer " + created.json().path("secret").asText();
        String path = "/api/keys/" + created.json().path("id").asText();
        expect(201, json("POST", "/api/keys", hal, "{\"name\":\"forever\",\"scopes\":[\"books:write\"]}"));
        expect(422, json("POST", "/api/keys", hal, "{\"name\":\"bad\",\"scopes\":[\"todos:admin\"]}"));
        expect(400, json("POST", "/api/keys", hal, "{\"name\":"));
        expect(401, json("POST", "/api/keys", null, body));
        expect(200, http.request("GET", "/api/keys").header("Authorization", hal.bearer()));
        expect(200, http.request("GET", path).header("Authorization", hal.bearer()));
        expect(404, http.request("GET", path).header("Authorization", bob.bearer()));

        // the key at work: within its scopes, outside them, where no key may go
        expect(200, http.request("GET", "/api/todos").header("Authorization", key));
        expect(200, http.request("GET", "/api/accounts/me").header("Authorization", key));
        expect(200, http.request("GET", "/api/books").header("Authorization", key));
        expect(403, json("POST", "/api/todos", null, "{\"title\":\"no\"}").header("Authorization", key));
        expect(403, json("POST", "/api/books", null, "{\"title\":\"no\",\"author\":\"no\"}")
                .header("Authorization", key));
        expect(403, json("PUT", DUNE, null, "{\"title\":\"no\",\"author\":\"no\"}").header("Authorization", key));
        expect(403, http.request("GET", "/api/keys").header("Authorization", key));
        expect(403, http.request("GET", "/api/sessions").header("Authorization", key));
        expect(403, http.request("DELETE", "/api/sessions/me").header("Authorization", key));

        expect(404, http.request("DELETE", path).header("Authorization", bob.bearer()));
        expect(204, http.request("DELETE", path).header("Authorization", hal.bearer()));
        expect(404, http.request("DELETE", path).header("Authorization", hal.bearer()));
        expect(401, http.request("GET", "/api/todos").header("Authorization", key));
    }

    @Test
    void signInThrottle() {
        String email = Identities.uniqueEmail("frank");
        assertThat(identities.signUp(email, Identities.PASSWORD, "Frank").status()).isEqualTo(201);
        String wrong = "{\"email\":\"" + email + "\",\"password\":\"not the password\"}";
        for (int i = 0; i < SIGN_IN_LIMIT; i++) {
            expect(401, "POST", "/api/sessions", RawHttp.exchange(server, THROTTLED_ADDRESS,
                    RawHttp.json("POST", "/api/sessions", wrong)));
        }

        expect(429, "POST", "/api/sessions", RawHttp.exchange(server, THROTTLED_ADDRESS,
                RawHttp.json("POST", "/api/sessions", wrong)));
    }

    @Test
    void todos() {
        String create = "{\"title\":\"Buy milk\"}";
        contract.checkRequest("POST", "/api/todos", "application/json", create);
        var created = expect(201, json("POST", "/api/todos", ada, create).header("Idempotency-Key", "milk-1"));
        var replayed = expect(201, json("POST", "/api/todos", ada, create).header("Idempotency-Key", "milk-1"));
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        expect(422, json("POST", "/api/todos", ada, "{\"title\":\"Other\"}").header("Idempotency-Key", "milk-1"));
        expect(400, json("POST", "/api/todos", ada, create).header("Idempotency-Key", ""));
        expect(401, json("POST", "/api/todos", null, create));
        expect(422, json("POST", "/api/todos", ada, "{\"title\":\" \",\"completed\":\"yes\"}"));
        String path = "/api/todos/" + created.json().path("id").asText();

        var todo = expect(200, http.request("GET", path).header("Authorization", ada.bearer()));
        expect(304, http.request("GET", path).header("Authorization", ada.bearer())
                .header("If-None-Match", todo.header("ETag")));
        expect(404, http.request("GET", path).header("Authorization", bob.bearer()));
        String patch = "{\"completed\":true}";
        contract.checkRequest("PATCH", path, "application/merge-patch+json", patch);
        expect(200, http.request("PATCH", path).header("Authorization", ada.bearer()).header("If-Match", "\"1\"")
                .header("Content-Type", "application/merge-patch+json").body(patch));
        expect(412, json("PATCH", path, ada, "{\"title\":\"Buy oat milk\"}").header("If-Match", "\"1\""));
        expect(415, http.request("PATCH", path).header("Authorization", ada.bearer())
                .header("Content-Type", "text/plain").body(patch));
        String replace = "{\"title\":\"Buy oat milk\",\"completed\":true,\"order\":7}";
        contract.checkRequest("PUT", path, "application/json", replace);
        expect(200, json("PUT", path, ada, replace));

        for (int i = 0; i < 2; i++) {
            expect(201, json("POST", "/api/todos", ada, "{\"title\":\"Page " + i + "\"}"));
        }
        var page = expect(200, http.request("GET", "/api/todos?limit=1&sort=-createdAt")
                .header("Authorization", ada.bearer()));
        assertThat(page.header("Link")).contains("rel=\"next\"");
        expect(200, http.request("GET", "/api/todos?completed=true&q=milk").header("Authorization", ada.bearer()));
        expect(400, http.request("GET", "/api/todos?limit=0&colour=red").header("Authorization", ada.bearer()));

        expect(204, http.request("DELETE", "/api/todos?completed=true").header("Authorization", ada.bearer()));
        expect(404, http.request("DELETE", path).header("Authorization", ada.bearer()));
        expect(400, http.request("DELETE", "/api/todos").header("Authorization", ada.bearer()));
    }

    @Test
    void books() {
        var list = expect(200, http.request("GET", "/api/books?sort=-year&per_page=5&page=2"));
        assertThat(list.json().path("_links").has("prev")).isTrue();
        expect(200, http.request("GET", "/api/books?q=dune&genre=science%20fiction&year_min=1900&year_max=2000"));
        expect(200, http.request("GET", "/api/books?page=1000"));
        expect(400, http.request("GET", "/api/books?per_page=1000&sort=price"));
        var dune = expect(200, http.request("GET", DUNE));
        expect(304, http.request("GET", DUNE).header("If-None-Match", dune.header("ETag")));
        expect(404, http.request("GET", "/api/books/book_00000000000000000000000999"));
        expect(403, json("PUT", DUNE, ada, "{\"title\":\"Dune (Revised)\",\"author\":\"Frank Herbert\"}"));

        String create = "{\"title\":\"Contract " + System.nanoTime() + "\",\"author\":\"Tess Ter\",\"year\":1999,"
                + "\"genre\":\"sci-fi\",\"isbn\":\"978-0-306-40615-7\",\"description\":\"A contract.\\nTwo lines.\"}";
        contract.checkRequest("POST", "/api/books", "application/json", create);
        var created = expect(201, json("POST", "/api/books", ada, create).header("Idempotency-Key", "book-1"));
        expect(409, json("POST", "/api/books", bob, create));
        expect(422, json("POST", "/api/books", ada, "{\"title\":\"\",\"year\":99999,\"isbn\":\"123\"}"));
        expect(401, json("POST", "/api/books", null, create));
        String path = "/api/books/" + created.json().path("id").asText();

        expect(403, json("PATCH", path, bob, "{\"genre\":null}"));
        String patch = "{\"genre\":null,\"year\":2001}";
        contract.checkRequest("PATCH", path, "application/merge-patch+json", patch);
        expect(200, json("PATCH", path, ada, patch).header("If-Match", created.header("ETag")));
        expect(412, json("PATCH", path, ada, patch).header("If-Match", created.header("ETag")));
        String replace = "{\"title\":\"Replaced " + System.nanoTime() + "\",\"author\":\"Tess Ter\"}";
        contract.checkRequest("PUT", path, "application/json", replace);
        expect(200, json("PUT", path, ada, replace));
        expect(403, http.request("DELETE", path).header("Authorization", bob.bearer()));
        expect(204, http.request("DELETE", path).header("Authorization", ada.bearer()));
        expect(404, http.request("DELETE", path).header("Authorization", ada.bearer()));
    }

    @Test
    void reviews() {
        var book = expect(201, json("POST", "/api/books", ada, "{\"title\":\"Reviewed " + System.nanoTime()
                + "\",\"author\":\"Rita Viewer\"}"));
        String reviews = "/api/books/" + book.json().path("id").asText() + "/reviews";
        String review = "{\"rating\":5,\"text\":\"Spice, sand and politics.\"}";
        contract.checkRequest("POST", reviews, "application/json", review);
        var created = expect(201, json("POST", reviews, bob, review).header("Idempotency-Key", "review-1"));
        expect(409, json("POST", reviews, bob, "{\"rating\":4}"));
        expect(422, json("POST", reviews, ada, "{\"rating\":6}"));
        expect(404, json("POST", "/api/books/book_00000000000000000000000999/reviews", ada, review));

        expect(200, http.request("GET", reviews));
        expect(200, http.request("GET", reviews + "?per_page=1&page=2"));
        expect(400, http.request("GET", reviews + "?page=0"));
        expect(200, http.request("GET", "/api/books/" + book.json().path("id").asText()));
        String one = reviews + "/" + created.json().path("id").asText();
        expect(200, http.request("GET", one));
        expect(403, http.request("DELETE", one).header("Authorization", ada.bearer()));
        expect(204, http.request("DELETE", one).header("Authorization", bob.bearer()));
        expect(404, http.request("GET", one));
    }

    /**
     * The event streams: a stream's head as the document says (its body is read as events, not checked against a
     * schema), its first lines, a change arriving as an event, a resume by each of the two means; then every refusal
     * the document lists for them, each a problem it describes.
     */
    @Test
    void eventStreams() {
        try (var todos = openStream("/api/todos/events", ada, Map.of())) {
            expectStream(todos, "/api/todos/events");
            var todo = expect(201, json("POST", "/api/todos", ada, "{\"title\":\"Watched\"}"));
            var created = todos.take(1, EVENT_WAIT).get(0);
            assertThat(created.type()).isEqualTo("todo.created");
            assertThat(created.json().path("id").asText()).isEqualTo(todo.json().path("id").asText());
            String before = String.valueOf(created.id() - 1);
            try (var resumed = openStream("/api/todos/events?after=" + before, ada, Map.of())) {
                expectStream(resumed, "/api/todos/events");
                assertThat(resumed.take(1, EVENT_WAIT).get(0).id()).isEqualTo(created.id());
            }
        }
        // curl's Accept: */* takes the stream too
        try (var books = openStream("/api/books/events", null, Map.of("Accept", "*/*", "Last-Event-ID", "0"))) {
            expectStream(books, "/api/books/events");
        }

        expect(401, streamRequest("/api/todos/events", null));
        expect(401, streamRequest("/api/todos/events", null).header("Authorization", "Bearer not-a-token"));
        expect(401, streamRequest("/api/books/events", null).header("Authorization", "Bearer not-a-token"));
        expect(406, http.request("GET", "/api/books/events").header("Accept", "application/json"));
        expect(406, http.request("GET", "/api/todos/events").header("Authorization", ada.bearer())
                .header("Accept", "text/event-stream;q=0, */*"));
        expect(400, http.request("GET", "/api/books/events").header("Accept", "text/event-stream;q=x"));
        expect(400, streamRequest("/api/books/events?colour=red", null));
        expect(400, streamRequest("/api/todos/events?after=-1", ada));
        expect(400, streamRequest("/api/books/events", null).header("Last-Event-ID", "the last one"));

        // the limits, once the streams above are gone from the server
        awaitOpenStreams(0);
        var carol = identities.newCaller("Carol");
        var open = new ArrayList<EventStreamClient>();
        try {
            for (int i = 0; i < STREAMS_PER_ACCOUNT; i++) {
                open.add(openStream("/api/todos/events", carol, Map.of()));
            }
            var tooMany = expect(429, streamRequest("/api/todos/events", carol));
            assertThat(tooMany.header("Retry-After")).isNotBlank();
            while (open.size() < STREAMS_PER_INSTANCE) {
                open.add(openStream("/api/books/events", null, Map.of()));
            }
            assertThat(open).allSatisfy(stream -> assertThat(stream.status()).isEqualTo(200));
            var full = expect(503, streamRequest("/api/books/events", null));
            assertThat(full.header("Retry-After")).isNotBlank();
        } finally {
            open.forEach(EventStreamClient::close);
        }
    }

    @Test
    void bodiesOverTheLimit() {
        String big = "{\"title\":\"" + "x".repeat(5000) + "\"}";

        expect(413, "POST", "/api/todos", RawHttp.exchange(server, RawHttp.json("POST", "/api/todos", big)));
    }

    /** A request for a stream as EventSource makes it, with the caller's token when there is a caller. */
    private Http.Request streamRequest(String path, Identities.Caller caller) {
        var request = http.request("GET", path).header("Accept", "text/event-stream");
        return caller == null ? request : request.header("Authorization", caller.bearer());
    }

    private EventStreamClient openStream(String path, Identities.Caller caller, Map<String, String> headers) {
        var all = new HashMap<>(headers);
        if (caller != null) {
            all.put("Authorization", caller.bearer());
        }
        return EventStreamClient.open(server.uri(path), all);
    }

    /** A stream answered as the document says, which has begun with what it always sends first. */
    private void expectStream(EventStreamClient stream, String path) {
        assertThat(stream.status()).as(path).isEqualTo(200);
        contract.check("GET", path, stream);
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        while (stream.comments() == 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        assertThat(stream.comments()).as("the stream's first comment, : connected").isPositive();
        assertThat(stream.retry()).isEqualTo("3000");
    }

    private void awaitOpenStreams(int count) {
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        String open;
        while (!(open = metric("quire_event_streams_open")).equals(count + ".0")) {
            assertThat(System.nanoTime()).as("streams open: " + open).isLessThan(deadline);
            sleep(50);
        }
    }

    private String metric(String name) {
        return http.get("/metrics").body().lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> line.substring(name.length() + 1)).orElseThrow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON request, with the caller's token when there is a caller. */
    private Http.Request json(String method, String path, Identities.Caller caller, String body) {
        var request = http.request(method, path).json(body);
        return caller == null ? request : request.header("Authorization", caller.bearer());
    }

    /** Sends the request, expects the status, and checks the answer against the document. */
    private Http.Response expect(int status, Http.Request request) {
        var response = request.send();
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        contract.check(response);
        return response;
    }

    private void expect(int status, String method, String path, RawHttp.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        contract.check(method, path, response);
    }
}
