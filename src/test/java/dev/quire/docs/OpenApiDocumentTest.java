package dev.quire.docs;

import static dev.quire.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.http.EventStreamServlet;
import dev.quire.support.EventStreamClient;
import dev.quire.support.Http;
import dev.quire.support.RouteRecorder;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document the application serves: valid OpenAPI 3.1, and describing exactly the routes the deployed
 * application has (as Jersey's own resource model has them), no more and no fewer, each with the security, request
 * media types and shape of request bodies the resources really have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
    private static final Set<String> TAGS = Set.of("meta", "accounts", "sessions", "keys", "todos", "books", "reviews",
            "health", "metrics");
    private static final String BEARER = "[{\"bearerAuth\":[]}]";
    private static final String OPTIONAL_BEARER = "[{},{\"bearerAuth\":[]}]";
    /** /metrics: open, unless QUIRE_METRICS_TOKEN is set (not a session token). */
    private static final String OPTIONAL_METRICS_TOKEN = "[{},{\"metricsToken\":[]}]";

    /**
     * What the filter chain and Jersey add to the answers of the operations a row applies to, whatever their
     * resources do: statuses the operation may answer, and headers on every one of its responses (name: required).
     */
    private record ChainAddition(String why, Predicate<Served> appliesTo, Set<String> statuses,
            Map<String, Boolean> headers) {}

    /** A documented operation with the route that serves it. */
    private record Served(OpenApiContract.Operation operation, RouteRecorder.Route route, boolean answersWithABody) {
        boolean underApi() {
            return operation.path().equals("/api") || operation.path().startsWith("/api/");
        }
    }

    private static final List<ChainAddition> CHAIN = List.of(
            new ChainAddition("RequestIdFilter names every answer; CorsFilter allows the origins QUIRE_CORS_ORIGINS"
                    + " names (optional: off by default); Jersey refuses a malformed Accept on every route; anything"
                    + " may fail", served -> true, Set.of("400", "500"),
                    Map.of("X-Request-Id", true, "Access-Control-Allow-Origin", false)),
            new ChainAddition("under /api, AuthTokenFilter refuses a failing bearer token (public routes too) and"
                    + " looks a token up in the database, and RateLimitFilter limits every request and describes"
                    + " the limits on every answer while QUIRE_RATE_LIMIT is not 0 (so the headers are optional)",
                    Served::underApi, Set.of("401", "429", "503"),
                    Map.of("RateLimit", false, "RateLimit-Policy", false)),
            new ChainAddition("a request body: BodyLimitFilter's 413, and Jersey's 415 and 400 for its Content-Type",
                    served -> !served.route().consumes().isEmpty(), Set.of("400", "413", "415"), Map.of()),
            new ChainAddition("an answer with a body in the media types the route names: 406 when Accept rules them"
                    + " out",
                    served -> served.answersWithABody() && !served.route().produces().isEmpty(), Set.of("406"),
                    Map.of()));
    /** What only the chain adds: where no row gives them, the document must not list them either. */
    private static final Set<String> ONLY_FROM_THE_CHAIN = Set.of("406", "429", "RateLimit", "RateLimit-Policy",
            "Access-Control-Allow-Origin");

    private final RouteRecorder recorder = new RouteRecorder();
    private TestServer server;
    private Http http;
    private OpenApiContract contract;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2()).resource(recorder).start();
        http = new Http(server);
        var response = http.get("/api/openapi.json");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        contract = new OpenApiContract(response.body(), server.contextPath());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void theServedDocumentIsValidOpenApi31() {
        var options = new ParseOptions();
        options.setResolve(true);

        var result = new OpenAPIV3Parser().readContents(http.get("/api/openapi.json").body(), null, options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1");
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
        assertThat(result.getOpenAPI().getComponents().getSecuritySchemes().get("bearerAuth").getScheme())
                .isEqualTo("bearer");
    }

    @Test
    void everyReferenceResolvesWithinTheDocument() {
        var references = contract.references();

        assertThat(references).isNotEmpty();
        references.forEach((where, ref) -> {
            assertThat(ref).as(where).startsWith("#/");
            assertThat(contract.document().at(ref.substring(1)).isMissingNode()).as(where + " -> " + ref).isFalse();
        });
    }

    @Test
    void everyOperationHasAUniqueIdASummaryAndOneKnownTag() {
        var ids = new HashMap<String, String>();
        for (var operation : contract.operations()) {
            var node = operation.node();
            String id = node.path("operationId").asText();
            assertThat(id).as(operation.key()).isNotBlank();
            assertThat(ids.put(id, operation.key())).as("operationId " + id + " of " + operation.key()).isNull();
            assertThat(node.path("summary").asText()).as(operation.key()).isNotBlank();
            assertThat(node.path("tags")).as(operation.key()).hasSize(1);
            assertThat(node.path("tags").get(0).asText()).as(operation.key()).isIn(TAGS);
            assertThat(node.has("security")).as(operation.key() + " says whether it needs a session").isTrue();
        }
    }

    @Test
    void theDocumentDescribesExactlyTheRoutesTheApplicationServes() {
        Set<String> served = recorder.routes().stream().map(RouteRecorder.Route::key).collect(Collectors.toSet());
        Set<String> documented = contract.operations().stream().map(OpenApiContract.Operation::key)
                .collect(Collectors.toSet());

        assertThat(served).as("routes the application serves").hasSizeGreaterThan(25);
        assertThat(minus(served, documented)).as("served but not documented").isEmpty();
        assertThat(minus(documented, served)).as("documented but not served").isEmpty();
    }

    /**
     * The routes a servlet serves are listed by hand (RouteRecorder.SERVLET_ROUTES): the list is the event stream
     * servlet's own, none of them is also Jersey's, and each needs a session exactly when the list says.
     */
    @Test
    void servletRoutesAreTheEventStreamServletsPaths() {
        var jersey = recorder.jerseyRoutes().stream().map(RouteRecorder.Route::key).collect(Collectors.toSet());

        assertThat(RouteRecorder.SERVLET_ROUTES).extracting(RouteRecorder.Route::path)
                .containsExactlyInAnyOrderElementsOf(EventStreamServlet.PATHS);
        for (var route : RouteRecorder.SERVLET_ROUTES) {
            assertThat(jersey).as("Jersey serves " + route.key() + " too").doesNotContain(route.key());
            try (var stream = EventStreamClient.open(server.uri(route.path()), Map.of())) {
                assertThat(stream.status()).as("%s without a session", route.key())
                        .isEqualTo(route.signedIn() ? 401 : 200);
            }
        }
    }

    @Test
    void signedInRoutesNeedABearerTokenAndTheRestArePublic() {
        for (var operation : contract.operations()) {
            var route = servedRoute(operation);
            String expected = route.signedIn() ? BEARER
                    : operation.path().startsWith("/api") ? OPTIONAL_BEARER
                    : operation.path().equals("/metrics") ? OPTIONAL_METRICS_TOKEN
                    : "[]";
            assertThat(operation.node().path("security").toString()).as(operation.key()).isEqualTo(expected);
        }
        assertThat(contract.document().path("components").path("securitySchemes").path("bearerAuth").toString())
                .contains("\"type\":\"http\"", "\"scheme\":\"bearer\"");
    }

    /**
     * Each operation under /api names the scope an API key needs there, as the route declares it ({@code @KeyScope},
     * or the event stream servlet's own): {@code any}, {@code none} (no key may), or the scope.
     */
    @Test
    void everyApiOperationNamesTheKeyScopeItsRouteDeclares() {
        for (var operation : contract.operations()) {
            var route = servedRoute(operation);
            var declared = operation.node().path("x-api-key-scope");
            if (!operation.path().startsWith("/api")) {
                assertThat(declared.isMissingNode()).as(operation.key() + ": no key is read outside /api").isTrue();
                continue;
            }
            String expected = route.keyScope() == null ? "none" : route.keyScope().isEmpty() ? "any" : route.keyScope();
            assertThat(declared.asText()).as(operation.key()).isEqualTo(expected);
        }
    }

    @Test
    void requestBodiesAreThoseTheResourcesTakeAndRefuseUnknownFields() {
        for (var operation : contract.operations()) {
            var route = servedRoute(operation);
            var body = contract.resolve(operation.node().path("requestBody"));
            var mediaTypes = new HashSet<String>();
            body.path("content").fieldNames().forEachRemaining(mediaTypes::add);

            assertThat(mediaTypes).as(operation.key() + " takes a body of these types").isEqualTo(route.consumes());
            assertThat(body.path("required").asBoolean()).as(operation.key()).isEqualTo(!route.consumes().isEmpty());
            body.path("content").forEach(media -> {
                JsonNode schema = contract.resolve(media.path("schema"));
                // Quire refuses unknown fields everywhere (422): the document must say so
                assertThat(schema.path("additionalProperties").asText()).as(operation.key()).isEqualTo("false");
            });
        }
    }

    @Test
    void everyOperationListsTheStatusesAndHeadersTheChainAddsToItsAnswers() {
        var faults = new ArrayList<String>();
        for (var operation : contract.operations()) {
            var served = new Served(operation, servedRoute(operation), answersWithABody(operation));
            var statuses = new TreeSet<String>();
            var headers = new TreeMap<String, Boolean>();
            CHAIN.stream().filter(row -> row.appliesTo().test(served)).forEach(row -> {
                statuses.addAll(row.statuses());
                headers.putAll(row.headers());
            });
            var responses = operation.node().path("responses");
            var listed = new TreeSet<String>();
            responses.fieldNames().forEachRemaining(listed::add);

            for (String status : statuses) {
                if (!listed.contains(status)) {
                    faults.add(operation.key() + " does not list " + status);
                }
            }
            for (String status : listed) {
                if (ONLY_FROM_THE_CHAIN.contains(status) && !statuses.contains(status)) {
                    faults.add(operation.key() + " lists " + status + ", which it never answers");
                }
            }
            for (String status : listed) {
                var declared = contract.resolve(responses.path(status)).path("headers");
                headers.forEach((name, required) -> {
                    var header = contract.resolve(declared.path(name));
                    if (header.isMissingNode()) {
                        faults.add(operation.key() + " " + status + " does not declare " + name);
                    } else if (header.path("required").asBoolean() != required) {
                        faults.add(operation.key() + " " + status + ": " + name + " should "
                                + (required ? "" : "not ") + "be required");
                    }
                });
                declared.fieldNames().forEachRemaining(name -> {
                    if (ONLY_FROM_THE_CHAIN.contains(name) && !headers.containsKey(name)) {
                        faults.add(operation.key() + " " + status + " declares " + name + ", which it never sends");
                    }
                });
            }
        }

        assertThat(contract.operations()).hasSizeGreaterThan(25);
        assertThat(faults).as("what the filter chain adds, against the document").isEmpty();
    }

    @Test
    void everyDocumentedOperationReachesARoute() {
        for (var operation : contract.operations()) {
            var response = exchange(operation, null);

            assertThat(response.status()).as(operation.key() + ": " + response).isNotEqualTo(405);
            assertThat(response.status() == 404 && response.body().contains("There is no resource at"))
                    .as(operation.key() + " is routed: " + response).isFalse();
        }
    }

    /**
     * A client generated from the document sends, as Accept, the media types the operation's responses declare: for
     * an operation whose success has no body that is only application/problem+json. Accept never refuses such an
     * operation (its answer has no body to negotiate), and no operation refuses the types it declares.
     */
    @Test
    void everyOperationTakesTheAcceptHeaderItsOwnResponsesDeclare() {
        for (var operation : contract.operations()) {
            var declared = new TreeSet<String>();
            var successBodies = new TreeSet<String>();
            operation.node().path("responses").properties().forEach(response -> contract.resolve(response.getValue())
                    .path("content").fieldNames().forEachRemaining(type -> {
                        declared.add(type);
                        if (response.getKey().startsWith("2")) {
                            successBodies.add(type);
                        }
                    }));
            var accepts = new ArrayList<String>(List.of(String.join(", ", declared)));
            if (successBodies.isEmpty()) {
                accepts.addAll(declared);
                accepts.add("application/json;q=0");
            }
            for (String accept : accepts) {
                var response = exchange(operation, accept);

                assertThat(response.status()).as(operation.key() + " with Accept: " + accept + ": " + response)
                        .isNotEqualTo(406);
            }
        }
    }

    /**
     * The entry point's links are the map a client starts from: each leads to a route the application serves (a GET
     * or, for the accounts and sessions collections, the POST that creates), and every first-level route under /api
     * is on it.
     */
    @Test
    void theEntryPointLinksToWhatTheApplicationServes() {
        var served = recorder.routes();
        var linked = new TreeSet<String>();
        http.get("/api").json().path("_links").forEach(link -> {
            String path = RouteRecorder.normalise(link.path("href").asText().substring(server.contextPath().length()));
            linked.add(path);
            assertThat(served).as("the link to " + path).anyMatch(route -> RouteRecorder.normalise(route.path())
                    .equals(path) && List.of("GET", "POST").contains(route.method()));
        });
        var firstLevel = served.stream().map(route -> RouteRecorder.normalise(route.path()))
                .filter(path -> path.matches("/api/[^/{]+")).collect(Collectors.toCollection(TreeSet::new));

        assertThat(firstLevel).isNotEmpty();
        assertThat(linked).containsAll(firstLevel).contains("/api", "/health/live", "/health/ready", "/docs");
    }

    @Test
    void theDocumentNamesThisDeploymentAndTheRunningVersion() {
        var document = contract.document();

        assertThat(document.path("servers")).hasSize(1);
        assertThat(document.path("servers").get(0).path("url").asText()).isEqualTo("/");
        assertThat(document.path("info").path("version").asText())
                .isEqualTo(http.get("/api").json().path("version").asText()).isNotEqualTo("unknown");
    }

    @Test
    void theDocumentIsCachedBrieflyAndRevalidated() {
        var first = http.get("/api/openapi.json");
        String tag = first.header("ETag");

        var again = http.request("GET", "/api/openapi.json").header("If-None-Match", tag).send();
        var head = http.request("HEAD", "/api/openapi.json").send();
        var stale = http.request("GET", "/api/openapi.json").header("If-Match", "\"1\"").send();
        var garbled = http.request("GET", "/api/openapi.json").header("If-None-Match", "garbled").send();

        assertThat(first.contentType()).isEqualTo("application/json");
        assertThat(first.header("Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(tag).matches("\"[0-9]+\"");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.header("ETag")).isEqualTo(tag);
        assertThat(again.body()).isEmpty();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("ETag")).isEqualTo(tag);
        assertThat(head.body()).isEmpty();
        assertProblem(stale, 412);
        assertProblem(garbled, 400);
        for (var response : List.of(first, again, stale, garbled)) {
            contract.check(response);
        }
    }

    /** A status and a body; a stream's body is left unread. */
    private record Answer(int status, String body) {}

    /**
     * Calls the operation at its example path with this Accept (or none), with an empty body of the type it takes if
     * it takes one. An event stream, which never ends by itself, is read only until its answer's head has come.
     */
    private Answer exchange(OpenApiContract.Operation operation, String accept) {
        if (RouteRecorder.isEventStream(servedRoute(operation))) {
            try (var stream = EventStreamClient.open(server.uri(example(operation)),
                    accept == null ? Map.of() : Map.of("Accept", accept))) {
                return new Answer(stream.status(), stream.status() == 200 ? "" : stream.body());
            }
        }
        var request = http.request(operation.method(), example(operation));
        if (accept != null) {
            request.header("Accept", accept);
        }
        var body = contract.resolve(operation.node().path("requestBody")).path("content");
        if (!body.isEmpty()) {
            request.header("Content-Type", body.fieldNames().next()).body("{}");
        }
        var response = request.send();
        return new Answer(response.status(), response.body());
    }

    /** The operation's path with each parameter replaced by its first example or allowed value, or "x". */
    private String example(OpenApiContract.Operation operation) {
        var values = new HashMap<String, String>();
        var parameters = new ArrayList<JsonNode>();
        contract.document().path("paths").path(operation.path()).path("parameters").forEach(parameters::add);
        operation.node().path("parameters").forEach(parameters::add);
        for (var parameter : parameters) {
            var resolved = contract.resolve(parameter);
            if (resolved.path("in").asText().equals("path")) {
                var schema = contract.resolve(resolved.path("schema"));
                var sample = schema.path("examples").path(0).isMissingNode()
                        ? schema.path("enum").path(0) : schema.path("examples").path(0);
                values.put(resolved.path("name").asText(), sample.isMissingNode() ? "x" : sample.asText());
            }
        }
        String path = operation.path();
        for (var value : values.entrySet()) {
            path = path.replace("{" + value.getKey() + "}", value.getValue());
        }
        assertThat(path).as(operation.key() + ": every path parameter is described").doesNotContain("{");
        return path;
    }

    /** Whether any success answer of the operation has a body. */
    private boolean answersWithABody(OpenApiContract.Operation operation) {
        return operation.node().path("responses").properties().stream().anyMatch(entry ->
                entry.getKey().startsWith("2") && !contract.resolve(entry.getValue()).path("content").isEmpty());
    }

    /** The route the application serves for a documented operation. */
    private RouteRecorder.Route servedRoute(OpenApiContract.Operation operation) {
        return recorder.routes().stream().filter(route -> route.key().equals(operation.key())).findFirst()
                .orElseThrow(() -> new AssertionError(operation.key() + " is documented but not served"));
    }

    private static Set<String> minus(Set<String> all, Set<String> removed) {
        var left = new TreeSet<>(all);
        left.removeAll(removed);
        return left;
    }
}
