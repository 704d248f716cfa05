package dev.quire.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.security.AuthorizationRules.Rule;
import dev.quire.security.AuthorizationRules.Scope;
import dev.quire.support.EventStreamClient;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RouteRecorder;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The object-level authorization matrix: every route the application serves (read from Jersey's own resource
 * model, and the event streams its servlet serves) against {@link AuthorizationRules}. Account A owns a todo, a
 * book, a review and a session; account B, and a caller without a session, call every route with A's ids, and get
 * what the rule says, never more; afterwards A reads everything back unchanged. A route the rules do not classify
 * fails the matrix. Then the streams, which carry what happens after they open: no event of one account reaches
 * another's stream, and a session that ends opens no stream and ends the one it had. Runs once per database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AuthorizationMatrixSuite {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** How often a stream checks its session (the shipped 15 s would make the test wait that long). */
    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

    private final RouteRecorder served = new RouteRecorder();
    private TestServer server;
    private Http http;
    private Identities identities;
    private Belongings ada;
    private Identities.Caller bob;
    private Map<String, JsonNode> adasThingsBefore;
    /** Every kind of API key, each held by an account of its own (so that reviews by two keys don't collide). */
    private List<KeyCaller> keys;
    /** Bearer tokens of every account other than A that may have written a review of A's book, by account id. */
    private final Map<String, String> reviewers = new LinkedHashMap<>();

    /**
     * An API key as a caller: {@code scopes} it was made with; {@code dead} when it was revoked or has expired (401
     * everywhere under /api).
     */
    record KeyCaller(String kind, Set<String> scopes, boolean dead, Identities.Caller holder, String key,
                     Instant expiresAt) {
        String bearer() {
            return "Bearer " + key;
        }

        @Override
        public String toString() {
            return "key (" + kind + ")";
        }
    }

    private static final List<String> ALL_SCOPES =
            List.of("todos:read", "todos:write", "books:write", "reviews:write", "account:read");

    abstract TestDatabase database();

    @BeforeAll
    void startServerAndMakeData() {
        server = TestServer.builder(database()).resource(served)
                .setting("QUIRE_RATE_LIMIT", "0")
                .setting("QUIRE_SIGNUP_LIMIT", "10000")
                .setting("QUIRE_SIGNIN_LIMIT", "10000")
                .eventHeartbeat(HEARTBEAT)
                .start();
        http = new Http(server);
        identities = new Identities(http);
        ada = Belongings.make(http, identities, "Ada");
        bob = identities.newCaller("Bob");
        reviewers.put(bob.accountId(), bob.bearer());
        keys = new ArrayList<>();
        keys.add(newKey("all scopes", ALL_SCOPES, null, false));
        for (String scope : ALL_SCOPES) {
            keys.add(newKey(scope + " only", List.of(scope), null, false));
        }
        keys.add(newKey("read-only", List.of("todos:read", "account:read"), null, false));
        keys.add(newKey("revoked", ALL_SCOPES, null, true));
        keys.add(newKey("expired", ALL_SCOPES, Instant.now().plusSeconds(2), false));
        adasThingsBefore = adasThings();
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    Stream<Rule> rules() {
        return AuthorizationRules.RULES.stream();
    }

    @Test
    @Order(1)
    void everyServedRouteHasExactlyOneRule() {
        Set<String> routes = served.routes().stream().map(route -> route.method() + " " + route.path())
                .collect(Collectors.toCollection(TreeSet::new));
        var ruled = AuthorizationRules.RULES.stream().map(Rule::route).collect(Collectors.toList());

        assertThat(routes).as("routes the application serves").hasSizeGreaterThan(25);
        assertThat(ruled).as("one rule per route").doesNotHaveDuplicates();
        assertThat(minus(routes, Set.copyOf(ruled))).as("served routes no rule classifies").isEmpty();
        assertThat(minus(Set.copyOf(ruled), routes)).as("rules for routes that are not served").isEmpty();
    }

    @Test
    @Order(1)
    void everyRouteThatNamesAnIdIsAnObjectRouteAndTheOthersAreNot() {
        for (Rule rule : AuthorizationRules.RULES) {
            boolean namesAThing = rule.target().matches(".*\\{(account|todo|book|review|sessionId|key)}.*");
            assertThat(namesAThing).as(rule.toString()).isEqualTo(rule.scope() == Scope.OBJECT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    @Order(2)
    @Timeout(30)
    void accountBAndAnonymousGetWhatTheRuleSays(Rule rule) {
        var b = rule.scope() == Scope.OWN ? identities.newCaller("Bob-own") : bob;
        if (isEventStream(rule)) {
            // a stream never ends by itself: what matters is whether it opens, and a refusal's problem
            for (var caller : new String[] {b.bearer(), null}) {
                try (var stream = openStream(fill(rule.target()), caller)) {
                    assertThat(stream.status()).as((caller == null ? "anonymous: " : "B: ") + rule)
                            .isEqualTo(caller == null ? rule.forAnonymous() : rule.forB());
                    if (stream.status() >= 400) {
                        assertThat(stream.header("Content-Type")).isEqualTo("application/problem+json");
                    }
                }
            }
            return;
        }

        var asB = send(rule, b.bearer(), null);
        var asAnonymous = send(rule, null, null);

        assertThat(asB.status()).as("B: " + rule + "\n" + asB).isEqualTo(rule.forB());
        assertThat(asAnonymous.status()).as("anonymous: " + rule + "\n" + asAnonymous).isEqualTo(rule.forAnonymous());
        for (var refused : List.of(asB, asAnonymous)) {
            if (refused.status() >= 400) {
                assertThat(refused.contentType()).as(refused.toString()).isEqualTo("application/problem+json");
            }
        }
        if (rule.scope() == Scope.OWN && rule.method().equals("GET")) {
            assertThat(asB.body()).as("B's own " + rule.route() + " shows nothing of A's")
                    .doesNotContain(ada.caller().accountId(), ada.caller().email(), ada.sessionId(), ada.todoId());
        }
        if (rule.scope() == Scope.OBJECT && rule.forB() >= 400 && !rule.method().equals("GET")) {
            // knowing the current version does not help
            var etag = http.request("GET", fill(rule.target())).header("Authorization", ada.caller().bearer())
                    .send().header("ETag");
            if (etag != null) {
                var conditional = send(rule, bob.bearer(), etag);
                assertThat(conditional.status()).as("B with If-Match " + etag + ": " + rule).isEqualTo(rule.forB());
            }
        }
        if (rule.scope() == Scope.OBJECT && rule.method().equals("GET")) {
            var head = http.request("HEAD", fill(rule.target())).header("Authorization", bob.bearer()).send();
            assertThat(head.status()).as("HEAD as B: " + rule).isEqualTo(rule.forB());
            var asA = http.request("GET", fill(rule.target())).header("Authorization", ada.caller().bearer()).send();
            assertThat(asA.status()).as("A reads its own thing: " + rule + "\n" + asA).isEqualTo(200);
        }
        if (rule.forB() == 404) {
            String unknown = fill(rule.target()).replaceAll("_[0-9A-Z]{26}$", "_01JD3Q9Z8K4M2N6P7R8S9T0V1W");
            assertThat(unknown).isNotEqualTo(fill(rule.target()));
            var nothing = send(rule, unknown, bob.bearer(), null);
            assertThat(asB.json().path("detail")).as("A's thing looks to B like nothing at all: " + rule)
                    .isEqualTo(nothing.json().path("detail"));
        }
    }

    /**
     * Every kind of API key on every route: a key with the rule's scope gets what B gets (it acts for an account that
     * is not A, as B does), a key without it 403 with an {@code insufficient_scope} challenge naming the scope, a key
     * on a route closed to keys 403 without one, and a revoked or expired key 401 everywhere under /api.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    @Order(2)
    @Timeout(60)
    void everyKindOfApiKeyGetsWhatTheRuleSays(Rule rule) {
        awaitExpiry();
        for (var key : keys) {
            int expected = expectedFor(key, rule);
            if (isEventStream(rule)) {
                try (var stream = openStream(fill(rule.target()), key.bearer())) {
                    assertThat(stream.status()).as(key + ": " + rule).isEqualTo(expected);
                    if (expected == 403) {
                        assertThat(stream.header("WWW-Authenticate")).as(key + ": " + rule)
                                .contains("error=\"insufficient_scope\"", "scope=\"" + rule.keyScope() + "\"");
                    }
                }
                continue;
            }
            var response = send(rule, key.bearer(), null);
            assertThat(response.status()).as(key + ": " + rule + "\n" + response).isEqualTo(expected);
            if (expected >= 400) {
                assertThat(response.contentType()).as(response.toString()).isEqualTo("application/problem+json");
            }
            boolean lacksScope = !key.dead() && rule.keyScope() != AuthorizationRules.NO_KEY
                    && !rule.keyScope().isEmpty() && !key.scopes().contains(rule.keyScope());
            if (expected == 403 && (lacksScope || rule.keyScope() == AuthorizationRules.NO_KEY)) {
                String challenge = response.header("WWW-Authenticate");
                if (rule.keyScope() == AuthorizationRules.NO_KEY) {
                    assertThat(challenge).as("no scope would do: " + key + ": " + rule).isNull();
                    assertThat(response.json().path("detail").asText()).contains("API keys cannot use this route");
                } else {
                    assertThat(challenge).as(key + ": " + rule).isEqualTo("Bearer realm=\"quire\", "
                            + "error=\"insufficient_scope\", scope=\"" + rule.keyScope() + "\"");
                }
            }
            if (expected == 401) {
                assertThat(response.json().path("detail").asText()).as(key + ": " + rule)
                        .isEqualTo("The API key is unknown, expired or revoked.");
            }
        }
    }

    /** What the rule says a key gets: see {@link #everyKindOfApiKeyGetsWhatTheRuleSays}. */
    private static int expectedFor(KeyCaller key, Rule rule) {
        if (!rule.target().startsWith("/api")) {
            return rule.forAnonymous(); // the probes, metrics and docs read no bearer token
        }
        if (key.dead()) {
            return 401;
        }
        if (rule.keyScope() == AuthorizationRules.NO_KEY) {
            return 403;
        }
        return rule.keyScope().isEmpty() || key.scopes().contains(rule.keyScope()) ? rule.forB() : 403;
    }

    private KeyCaller newKey(String kind, List<String> scopes, Instant expiresAt, boolean revoke) {
        var holder = identities.newCaller("Key-" + kind.replaceAll("[^A-Za-z]", ""));
        reviewers.put(holder.accountId(), holder.bearer());
        var body = JsonNodeFactory.instance.objectNode().put("name", kind);
        scopes.forEach(body.putArray("scopes")::add);
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        var created = http.request("POST", "/api/keys").header("Authorization", holder.bearer())
                .json(body.toString()).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        if (revoke) {
            assertThat(http.request("DELETE", "/api/keys/" + created.json().path("id").asText())
                    .header("Authorization", holder.bearer()).send().status()).isEqualTo(204);
        }
        return new KeyCaller(kind, Set.copyOf(scopes), revoke || expiresAt != null, holder,
                created.json().path("secret").asText(), expiresAt);
    }

    /** The expired key was made to expire two seconds after it was made; waits until it has. */
    private void awaitExpiry() {
        for (var key : keys) {
            if (key.expiresAt() != null) {
                long wait = Duration.between(Instant.now(), key.expiresAt()).toMillis() + 50;
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    @Test
    @Order(2)
    void methodsAnObjectRouteDoesNotServeAre405ForEveryone() {
        Map<String, Set<String>> methodsByTarget = new LinkedHashMap<>();
        AuthorizationRules.RULES.stream().filter(rule -> rule.scope() == Scope.OBJECT).forEach(rule ->
                methodsByTarget.computeIfAbsent(rule.target(), t -> new TreeSet<>()).add(rule.method()));
        methodsByTarget.forEach((target, served) -> {
            for (String method : METHODS) {
                if (served.contains(method)) {
                    continue;
                }
                for (String authorization : new String[] {bob.bearer(), null}) {
                    var request = http.request(method, fill(target)).json("{}");
                    var response = (authorization == null ? request : request.header("Authorization", authorization))
                            .send();
                    assertThat(response.status()).as(method + " " + target + "\n" + response).isEqualTo(405);
                }
            }
        });
    }

    @Test
    @Order(3)
    void asThingsAreUnchangedAfterEveryAttempt() {
        // B's own review of A's book was allowed, and so were those of the keys with reviews:write (for their
        // accounts); each author may delete theirs (and does: a positive control)
        var reviews = http.get("/api/books/" + ada.bookId() + "/reviews?per_page=100").json().path("items");
        int othersReviews = 0;
        for (JsonNode review : reviews) {
            String author = review.path("authorId").asText();
            if (!author.equals(ada.caller().accountId())) {
                assertThat(reviewers).as("a review by an account of this test").containsKey(author);
                var deleted = http.request("DELETE", "/api/books/" + ada.bookId() + "/reviews/" + review.path("id")
                        .asText()).header("Authorization", reviewers.get(author)).send();
                assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
                othersReviews++;
            }
        }
        assertThat(othersReviews).as("B's review and those of the two keys with reviews:write").isEqualTo(3);
        long versionsMoved = 2L * othersReviews;

        var after = adasThings();

        assertThat(after.keySet()).isEqualTo(adasThingsBefore.keySet());
        adasThingsBefore.forEach((what, before) -> {
            if (what.equals("book")) {
                // each review, added and deleted, moved the book's version (and time) on by two, nothing else
                assertThat(after.get(what).path("version").asLong())
                        .isEqualTo(before.path("version").asLong() + versionsMoved);
                assertThat(withoutVersion(after.get(what))).as(what).isEqualTo(withoutVersion(before));
            } else {
                assertThat(after.get(what)).as(what).isEqualTo(before);
            }
        });
    }

    /**
     * A's todos stream while B changes B's todos in every way there is: B's stream gets each change (so they did make
     * events), A's gets none. Then A changes a todo of A's own: it is the first event on A's stream, which hands
     * events out in the order they were made, so nothing of B's came before it; and the next on B's stream is B's
     * own again. A query parameter naming A's account opens no stream for B.
     */
    @Test
    @Order(4)
    void noEventOfOneAccountReachesAnother() {
        var a = identities.newCaller("Stream-A");
        var b = identities.newCaller("Stream-B");
        try (var aStream = openStream("/api/todos/events", a.bearer());
                var bStream = openStream("/api/todos/events", b.bearer())) {
            assertThat(List.of(aStream.status(), bStream.status())).containsOnly(200);
            awaitConnected(aStream);
            awaitConnected(bStream);

            String todo = succeeded(http.request("POST", "/api/todos").header("Authorization", b.bearer())
                    .json("{\"title\":\"B's secret\"}")).path("id").asText();
            succeeded(http.request("PATCH", "/api/todos/" + todo).header("Authorization", b.bearer())
                    .header("Content-Type", "application/merge-patch+json").body("{\"completed\":true}"));
            succeeded(http.request("PUT", "/api/todos/" + todo).header("Authorization", b.bearer())
                    .json("{\"title\":\"B's secret, renamed\",\"completed\":false}"));
            assertThat(http.request("DELETE", "/api/todos/" + todo).header("Authorization", b.bearer()).send()
                    .status()).isEqualTo(204);
            succeeded(http.request("POST", "/api/todos").header("Authorization", b.bearer())
                    .json("{\"title\":\"B's done\",\"completed\":true}"));
            assertThat(http.request("DELETE", "/api/todos?completed=true").header("Authorization", b.bearer())
                    .send().status()).isEqualTo(204);

            assertThat(bStream.take(6, EVENT_WAIT)).extracting(EventStreamClient.Event::type).containsExactly(
                    "todo.created", "todo.updated", "todo.updated", "todo.deleted", "todo.created", "todos.cleared");
            String mine = succeeded(http.request("POST", "/api/todos").header("Authorization", a.bearer())
                    .json("{\"title\":\"A's own\"}")).path("id").asText();
            var first = aStream.take(1, EVENT_WAIT).get(0);
            assertThat(first.type()).isEqualTo("todo.created");
            assertThat(first.json().path("id").asText()).as("A's first event is A's own change").isEqualTo(mine);
            assertThat(first.data()).doesNotContain(b.accountId(), todo);
            String theirs = succeeded(http.request("POST", "/api/todos").header("Authorization", b.bearer())
                    .json("{\"title\":\"B again\"}")).path("id").asText();
            assertThat(bStream.take(1, EVENT_WAIT).get(0).json().path("id").asText())
                    .as("B's next event is B's own, not A's").isEqualTo(theirs);
            assertThat(aStream.poll(Duration.ofMillis(500))).as("nothing of B's after A's own either").isEmpty();
        }
        for (String parameter : List.of("account", "owner", "accountId")) {
            try (var stream = openStream("/api/todos/events?" + parameter + "=" + ada.caller().accountId(),
                    b.bearer())) {
                assertThat(stream.status()).as("?" + parameter + "= of A's account, as B").isEqualTo(400);
            }
        }
    }

    /**
     * A token whose session has ended opens no stream, the public one included (a token that fails is refused
     * everywhere under /api), and the stream the session had open ends at its next heartbeat: when the session is
     * signed out, and when another session signs out everywhere.
     */
    @Test
    @Order(4)
    void aSessionThatEndedOpensNoStreamAndEndsTheOneItHad() {
        var c = identities.newCaller("Stream-C");
        try (var signedOut = openStream("/api/todos/events", c.bearer())) {
            assertThat(signedOut.status()).isEqualTo(200);
            awaitConnected(signedOut);
            assertThat(http.request("DELETE", "/api/sessions/me").header("Authorization", c.bearer()).send()
                    .status()).isEqualTo(204);
            assertThat(signedOut.awaitEnd(HEARTBEAT.multipliedBy(10))).as("the signed-out session's stream ended")
                    .isTrue();
        }
        for (String path : List.of("/api/todos/events", "/api/books/events")) {
            try (var stream = openStream(path, c.bearer())) {
                assertThat(stream.status()).as(path + " with a signed-out session's token").isEqualTo(401);
                assertThat(stream.header("Content-Type")).isEqualTo("application/problem+json");
            }
        }

        var elsewhere = identities.signIn(c.email(), Identities.PASSWORD);
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(201);
        String other = "Bearer " + elsewhere.json().path("token").asText();
        var again = identities.signIn(c.email(), Identities.PASSWORD);
        String third = "Bearer " + again.json().path("token").asText();
        try (var ended = openStream("/api/todos/events", other)) {
            assertThat(ended.status()).isEqualTo(200);
            awaitConnected(ended);
            assertThat(http.request("DELETE", "/api/sessions").header("Authorization", third).send().status())
                    .isEqualTo(204);
            assertThat(ended.awaitEnd(HEARTBEAT.multipliedBy(10)))
                    .as("the stream of a session ended by signing out everywhere").isTrue();
        }
    }

    /**
     * A session ended from another one ({@code DELETE /api/sessions/{id}}) and a revoked API key end their open
     * streams at the next heartbeat, like a sign-out; and the key opens none afterwards.
     */
    @Test
    @Order(4)
    void aSessionEndedByIdAndARevokedKeyEndTheirStreams() {
        var d = identities.newCaller("Stream-D");
        var elsewhere = identities.signIn(d.email(), Identities.PASSWORD);
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(201);
        String other = "Bearer " + elsewhere.json().path("token").asText();
        try (var ended = openStream("/api/todos/events", other)) {
            assertThat(ended.status()).isEqualTo(200);
            awaitConnected(ended);
            var deleted = http.request("DELETE", "/api/sessions/" + elsewhere.json().path("id").asText())
                    .header("Authorization", d.bearer()).send();
            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            assertThat(ended.awaitEnd(HEARTBEAT.multipliedBy(10))).as("the stream of a session ended by its id")
                    .isTrue();
        }

        var key = succeeded(http.request("POST", "/api/keys").header("Authorization", d.bearer())
                .json("{\"name\":\"stream reader\",\"scopes\":[\"todos:read\"]}"));
        String bearer = "Bearer " + key.path("secret").asText();
        try (var revoked = openStream("/api/todos/events", bearer)) {
            assertThat(revoked.status()).isEqualTo(200);
            awaitConnected(revoked);
            assertThat(http.request("DELETE", "/api/keys/" + key.path("id").asText())
                    .header("Authorization", d.bearer()).send().status()).isEqualTo(204);
            assertThat(revoked.awaitEnd(HEARTBEAT.multipliedBy(10))).as("the stream of a revoked key").isTrue();
        }
        try (var refused = openStream("/api/todos/events", bearer)) {
            assertThat(refused.status()).as("a revoked key opens no stream").isEqualTo(401);
        }
    }

    private boolean isEventStream(Rule rule) {
        return served.routes().stream().anyMatch(route -> rule.route().equals(route.method() + " " + route.path())
                && RouteRecorder.isEventStream(route));
    }

    private EventStreamClient openStream(String path, String authorization) {
        return EventStreamClient.open(server.uri(path),
                authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    /** Waits for the stream's first comment (": connected"): from then on, it is subscribed to what happens. */
    private static void awaitConnected(EventStreamClient stream) {
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        while (stream.comments() == 0) {
            assertThat(System.nanoTime()).as("the stream's first lines came").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static JsonNode succeeded(Http.Request request) {
        var response = request.send();
        assertThat(response.status()).as(response.toString()).isBetween(200, 201);
        return response.json();
    }

    /** Everything of A's, as A reads it. */
    private Map<String, JsonNode> adasThings() {
        var things = new LinkedHashMap<String, JsonNode>();
        things.put("account", readAsA("/api/accounts/me"));
        things.put("session", readAsA("/api/sessions/me"));
        things.put("todo", readAsA("/api/todos/" + ada.todoId()));
        things.put("todos", readAsA("/api/todos"));
        things.put("keys", readAsA("/api/keys"));
        things.put("book", readAsA("/api/books/" + ada.bookId()));
        things.put("review", readAsA("/api/books/" + ada.bookId() + "/reviews/" + ada.reviewId()));
        return things;
    }

    private JsonNode readAsA(String path) {
        var response = http.request("GET", path).header("Authorization", ada.caller().bearer()).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode withoutVersion(JsonNode book) {
        var copy = (ObjectNode) book.deepCopy();
        copy.remove(List.of("version", "updatedAt"));
        return copy;
    }

    private Http.Response send(Rule rule, String authorization, String ifMatch) {
        return send(rule, fill(rule.target()), authorization, ifMatch);
    }

    private Http.Response send(Rule rule, String path, String authorization, String ifMatch) {
        var request = http.request(rule.method(), path);
        if (rule.body() != null) {
            request.json(fill(rule.body()));
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.send();
    }

    private String fill(String text) {
        return ada.fill().apply(text);
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        var difference = new TreeSet<>(a);
        difference.removeAll(b);
        return difference;
    }
}
