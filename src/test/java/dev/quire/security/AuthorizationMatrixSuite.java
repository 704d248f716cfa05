package dev.quire.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.security.AuthorizationRules.Rule;
import dev.quire.security.AuthorizationRules.Scope;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RouteRecorder;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
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
 * model) against {@link AuthorizationRules}. Account A owns a todo, a book, a review and a session; account B, and
 * a caller without a session, call every route with A's ids, and get what the rule says, never more; afterwards A
 * reads everything back unchanged. A route the rules do not classify fails the matrix. Runs once per database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AuthorizationMatrixSuite {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final RouteRecorder served = new RouteRecorder();
    private TestServer server;
    private Http http;
    private Identities identities;
    private Belongings ada;
    private Identities.Caller bob;
    private Map<String, JsonNode> adasThingsBefore;

    abstract TestDatabase database();

    @BeforeAll
    void startServerAndMakeData() {
        server = TestServer.builder(database()).resource(served)
                .setting("QUIRE_RATE_LIMIT", "0")
                .setting("QUIRE_SIGNUP_LIMIT", "10000")
                .setting("QUIRE_SIGNIN_LIMIT", "10000")
                .start();
        http = new Http(server);
        identities = new Identities(http);
        ada = Belongings.make(http, identities, "Ada");
        bob = identities.newCaller("Bob");
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
            boolean namesAThing = rule.target().matches(".*\\{(account|todo|book|review)}.*");
            assertThat(namesAThing).as(rule.toString()).isEqualTo(rule.scope() == Scope.OBJECT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    @Order(2)
    @Timeout(30)
    void accountBAndAnonymousGetWhatTheRuleSays(Rule rule) {
        var b = rule.scope() == Scope.OWN ? identities.newCaller("Bob-own") : bob;

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
        // B's own review of A's book was allowed; B, its author, may delete it (and does: a positive control)
        var reviews = http.get("/api/books/" + ada.bookId() + "/reviews?per_page=100").json().path("items");
        for (JsonNode review : reviews) {
            if (review.path("authorId").asText().equals(bob.accountId())) {
                var deleted = http.request("DELETE", "/api/books/" + ada.bookId() + "/reviews/" + review.path("id")
                        .asText()).header("Authorization", bob.bearer()).send();
                assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            }
        }

        var after = adasThings();

        assertThat(after.keySet()).isEqualTo(adasThingsBefore.keySet());
        adasThingsBefore.forEach((what, before) -> {
            if (what.equals("book")) {
                // B's review, added and deleted, moved the book's version (and time) on by two, nothing else
                assertThat(after.get(what).path("version").asLong()).isEqualTo(before.path("version").asLong() + 2);
                assertThat(withoutVersion(after.get(what))).as(what).isEqualTo(withoutVersion(before));
            } else {
                assertThat(after.get(what)).as(what).isEqualTo(before);
            }
        });
    }

    /** Everything of A's, as A reads it. */
    private Map<String, JsonNode> adasThings() {
        var things = new LinkedHashMap<String, JsonNode>();
        things.put("account", readAsA("/api/accounts/me"));
        things.put("session", readAsA("/api/sessions/me"));
        things.put("todo", readAsA("/api/todos/" + ada.todoId()));
        things.put("todos", readAsA("/api/todos"));
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
