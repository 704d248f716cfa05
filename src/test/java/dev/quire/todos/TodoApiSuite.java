package dev.quire.todos;

import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.Problems.errorFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.support.Concurrently;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each account's todos over HTTP on the real application. Runs once per database (see the subclasses). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TodoApiSuite {
    TestServer server;
    Http http;
    Identities identities;
    TestDatabase database;

    abstract TestDatabase database();

    @BeforeAll
    void startServer() {
        database = database();
        server = TestServer.builder(database).start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    /** A signed-in account with its own, empty todo list. */
    Owner owner(String name) {
        return new Owner(identities.newCaller(name));
    }

    final class Owner {
        final Identities.Caller caller;

        Owner(Identities.Caller caller) {
            this.caller = caller;
        }

        Http.Request request(String method, String path) {
            return http.request(method, path).header("Authorization", caller.bearer());
        }

        Http.Response create(String title) {
            return request("POST", "/api/todos").json(json("title", title)).send();
        }

        JsonNode created(String title) {
            var response = create(title);
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            return response.json();
        }

        Http.Response get(String path) {
            return request("GET", path).send();
        }
    }

    static String json(String field, String value) {
        return JsonNodeFactory.instance.objectNode().put(field, value).toString();
    }

    static String path(JsonNode todo) {
        return "/api/todos/" + todo.path("id").asText();
    }

    static List<String> titles(Http.Response list) {
        var titles = new ArrayList<String>();
        list.json().path("items").forEach(item -> titles.add(item.path("title").asText()));
        return titles;
    }

    @Nested
    class Creating {
        @Test
        void aNewTodoIsCreatedWhereLocationSaysWithItsVersionAsETag() {
            var owner = owner("creator");

            var response = owner.request("POST", "/api/todos").json("{\"title\":\"  Buy milk \"}").send();

            assertThat(response.status()).isEqualTo(201);
            JsonNode todo = response.json();
            assertThat(todo.path("id").asText()).matches("todo_[0-9A-Z]{26}");
            assertThat(todo.path("title").asText()).isEqualTo("Buy milk");
            assertThat(todo.path("completed").asBoolean()).isFalse();
            assertThat(todo.path("order").asLong()).isEqualTo(1);
            assertThat(todo.path("version").asLong()).isEqualTo(1);
            assertThat(todo.path("createdAt").asText()).isEqualTo(todo.path("updatedAt").asText());
            assertThat(todo.path("_links").path("self").path("href").asText()).isEqualTo(path(todo));
            assertThat(todo.path("_links").path("collection").path("href").asText()).isEqualTo("/api/todos");
            assertThat(response.header("Location")).endsWith(path(todo));
            assertThat(response.header("ETag")).isEqualTo("\"1\"");
            assertThat(owner.get(path(todo)).json()).isEqualTo(todo);
        }

        @Test
        void completionAndOrderMayBeGivenAndTheOrderDefaultsToAfterTheLast() {
            var owner = owner("orderer");
            owner.request("POST", "/api/todos").json("{\"title\":\"first\",\"order\":10,\"completed\":true}").send();

            var next = owner.created("next");

            assertThat(next.path("order").asLong()).isEqualTo(11);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "{\"title\":\"\"}", "{\"title\":\"   \"}", "{\"title\":null}"})
        void aMissingOrBlankTitleIsRefusedWithAClearMessage(String body) {
            var response = owner("blank").request("POST", "/api/todos").json(body).send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("title");
            assertThat(response.json().path("detail").asText()).startsWith("title ");
        }

        @ParameterizedTest
        @ValueSource(strings = {"title|{\"title\":123}", "completed|{\"title\":\"t\",\"completed\":\"yes\"}",
            "order|{\"title\":\"t\",\"order\":1.5}", "order|{\"title\":\"t\",\"order\":\"3\"}",
            "order|{\"title\":\"t\",\"order\":9223372036854775808}", "id|{\"title\":\"t\",\"id\":\"todo_x\"}",
            "version|{\"title\":\"t\",\"version\":9}", "ownerId|{\"title\":\"t\",\"ownerId\":\"acct_x\"}"})
        void wrongTypesAndUnknownFieldsAreRefusedNamingTheField(String caseText) {
            String field = caseText.substring(0, caseText.indexOf('|'));
            var response = owner("types").request("POST", "/api/todos").json(caseText.substring(field.length() + 1))
                    .send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly(field);
        }

        @Test
        void malformedJsonIs400AndAWrongContentTypeIs415() {
            var owner = owner("malformed");

            assertProblem(owner.request("POST", "/api/todos").json("{\"title\":").send(), 400);
            assertProblem(owner.request("POST", "/api/todos").header("Content-Type", "text/plain")
                    .body("{\"title\":\"x\"}").send(), 415);
            assertThat(titles(owner.get("/api/todos"))).isEmpty();
        }

        @Test
        void aContentTypeOnARequestWithoutABodyIsNoReasonToRefuseIt() {
            var owner = owner("stray-type");
            String id = owner.create("Keep me for now").json().path("id").asText();

            assertThat(owner.request("GET", "/api/todos").header("Content-Type", "text/plain").send().status())
                    .isEqualTo(200);
            assertThat(owner.request("GET", "/api/todos/" + id).header("Content-Type", "application/xml").send()
                    .status()).isEqualTo(200);
            assertThat(owner.request("DELETE", "/api/todos/" + id).header("Content-Type", "text/plain").send()
                    .status()).isEqualTo(204);
        }

        @Test
        void aPatchInAnotherMediaTypeIsToldBothThatItTakes() {
            var owner = owner("patch-type");
            String id = owner.create("Patch me").json().path("id").asText();

            var refused = owner.request("PATCH", "/api/todos/" + id).header("Content-Type", "text/plain")
                    .body("{\"completed\":true}").send();

            assertProblem(refused, 415);
            assertThat(refused.json().path("detail").asText()).contains("application/json", "application/merge-patch+json");
        }

        @Test
        void aTitleOver500CharactersIsRefused() {
            var owner = owner("long");

            assertThat(owner.create("x".repeat(500)).status()).isEqualTo(201);
            var response = owner.create("x".repeat(501));

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("title");
        }
    }

    @Nested
    class Listing {
        @Test
        void theListFiltersByCompletionAndTitleText() {
            var owner = owner("lister");
            owner.created("Buy MILK");
            var oat = owner.created("oat milk");
            owner.created("Walk the dog");
            owner.request("PATCH", path(oat)).json("{\"completed\":true}").send();

            assertThat(titles(owner.get("/api/todos"))).containsExactly("Buy MILK", "oat milk", "Walk the dog");
            assertThat(titles(owner.get("/api/todos?q=milk"))).containsExactly("Buy MILK", "oat milk");
            assertThat(titles(owner.get("/api/todos?q=Milk&completed=false"))).containsExactly("Buy MILK");
            assertThat(titles(owner.get("/api/todos?completed=true"))).containsExactly("oat milk");
            assertThat(titles(owner.get("/api/todos?q=" + URLEncoder.encode("%", StandardCharsets.UTF_8)))).isEmpty();
        }

        @Test
        void everySortIsAvailable() {
            var owner = owner("sorter");
            owner.request("POST", "/api/todos").json("{\"title\":\"banana\",\"order\":2}").send();
            owner.request("POST", "/api/todos").json("{\"title\":\"Apple\",\"order\":3}").send();
            owner.request("POST", "/api/todos").json("{\"title\":\"cherry\",\"order\":1}").send();

            assertThat(titles(owner.get("/api/todos?sort=order"))).containsExactly("cherry", "banana", "Apple");
            assertThat(titles(owner.get("/api/todos?sort=-order"))).containsExactly("Apple", "banana", "cherry");
            assertThat(titles(owner.get("/api/todos?sort=createdAt"))).containsExactly("banana", "Apple", "cherry");
            assertThat(titles(owner.get("/api/todos?sort=-createdAt"))).containsExactly("cherry", "Apple", "banana");
            assertThat(titles(owner.get("/api/todos?sort=title"))).containsExactly("Apple", "banana", "cherry");
            assertThat(titles(owner.get("/api/todos?sort=-title"))).containsExactly("cherry", "banana", "Apple");
        }

        @Test
        void pagesLinkToTheNextThroughCursorBodyAndLinkHeader() {
            var owner = owner("pager");
            for (int i = 1; i <= 5; i++) {
                owner.created("todo " + i);
            }

            var first = owner.get("/api/todos?limit=2&q=todo");

            assertThat(titles(first)).containsExactly("todo 1", "todo 2");
            String next = first.json().path("_links").path("next").path("href").asText();
            assertThat(first.json().path("_links").path("self").path("href").asText())
                    .isEqualTo("/api/todos?q=todo&limit=2");
            assertThat(next).contains("cursor=" + first.json().path("nextCursor").asText());
            assertThat(first.header("Link")).isEqualTo("<" + next + ">; rel=\"next\"");
            var second = owner.get(next);
            assertThat(titles(second)).containsExactly("todo 3", "todo 4");
            var third = owner.get(second.json().path("_links").path("next").path("href").asText());
            assertThat(titles(third)).containsExactly("todo 5");
            assertThat(third.json().path("nextCursor").isNull()).isTrue();
            assertThat(third.json().path("_links").has("next")).isFalse();
            assertThat(third.header("Link")).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"limit=0|limit", "limit=101|limit", "limit=-1|limit", "limit=1000000|limit",
            "limit=abc|limit", "sort=title;drop%20table%20todos|sort", "sort=priority|sort", "completed=yes|completed",
            "cursor=not-a-cursor|cursor", "page=2|page", "limit=5&limit=6|limit", "q=a%00b|q", "q=a%0Ab|q"})
        void badParametersAre400NamingTheParameter(String caseText) {
            String[] parts = caseText.split("\\|");

            var response = owner("badparams").get("/api/todos?" + parts[0]);

            assertProblem(response, 400);
            assertThat(errorFields(response)).contains(parts[1]);
        }

        @Test
        void everyBadParameterIsNamedAtOnce() {
            var response = owner("manybad").get("/api/todos?limit=0&sort=x&completed=maybe&colour=red");

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactlyInAnyOrder("limit", "sort", "completed", "colour");
        }

        @Test
        void aCursorFromAnotherSortIsRefused() {
            var owner = owner("crosscursor");
            owner.created("a");
            owner.created("b");
            String cursor = owner.get("/api/todos?limit=1").json().path("nextCursor").asText();

            var response = owner.get("/api/todos?limit=1&sort=-title&cursor=" + cursor);

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("cursor");
        }

        /**
         * The case (the default order, 250 todos) and every other sort, where newcomers can also land
         * before the cursor: survivors are seen exactly once, nothing at all twice.
         */
        @ParameterizedTest
        @ValueSource(strings = {"order", "-order", "createdAt", "-createdAt", "title", "-title"})
        void pagingWhileOtherTodosComeAndGoReturnsEverySurvivorExactlyOnce(String sort) throws Exception {
            int count = sort.equals("order") ? 250 : 100;
            var owner = owner("churn");
            var originals = new ArrayList<String>();
            for (int i = 0; i < count; i++) {
                originals.add(owner.created(String.format("original %03d", i)).path("id").asText());
            }
            var doomed = new HashSet<String>();
            for (int i = 0; i < count; i += 10) {
                doomed.add(originals.get(i));
            }
            var stop = new AtomicBoolean();
            var pool = Executors.newSingleThreadExecutor();
            try {
                // meanwhile: newcomers arrive (their titles sort before and after the originals), and every tenth
                // original is deleted
                Future<?> churn = pool.submit(() -> {
                    var toDelete = new ArrayList<>(doomed);
                    for (int i = 0; i < toDelete.size() || (!stop.get() && i < 200); i++) {
                        owner.created((i % 2 == 0 ? "a newcomer " : "z newcomer ") + i);
                        if (i < toDelete.size()) {
                            owner.request("DELETE", "/api/todos/" + toDelete.get(i)).send();
                        }
                    }
                });
                var seen = new ArrayList<String>();
                String next = "/api/todos?limit=7&sort=" + sort;
                while (next != null) {
                    var page = owner.get(next);
                    assertThat(page.status()).isEqualTo(200);
                    page.json().path("items").forEach(item -> seen.add(item.path("id").asText()));
                    var link = page.json().path("_links").path("next");
                    next = link.isMissingNode() ? null : link.path("href").asText();
                }
                stop.set(true);
                churn.get();

                assertThat(seen).doesNotHaveDuplicates();
                var survivors = originals.stream().filter(id -> !doomed.contains(id)).toList();
                assertThat(seen).containsAll(survivors);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void aCursorCarryingATimeNoTodoCanHaveIs400() {
            var owner = owner("timetravel");
            String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("t1\ncreatedAt\n" + "0".repeat(16) + "\n+1000000000-01-01T00:00:00Z\ntodo_01JD3Q9Z8K4M2N6P7R8S9T0V1W")
                            .getBytes(StandardCharsets.UTF_8));

            var response = owner.get("/api/todos?sort=createdAt&cursor=" + forged);

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("cursor");
        }
    }

    @Nested
    class ConditionalRequests {
        @Test
        void aMatchingIfNoneMatchGets304WithTheETag() {
            var owner = owner("etag");
            var todo = owner.created("cached");
            var first = owner.get(path(todo));

            assertThat(first.header("ETag")).isEqualTo("\"1\"");
            assertThat(first.header("Cache-Control")).contains("private", "no-cache");
            for (String condition : List.of("\"1\"", "W/\"1\"", "\"7\", \"1\"", "*")) {
                var again = owner.request("GET", path(todo)).header("If-None-Match", condition).send();
                assertThat(again.status()).as(condition).isEqualTo(304);
                assertThat(again.header("ETag")).isEqualTo("\"1\"");
                assertThat(again.body()).isEmpty();
            }
            assertThat(owner.request("GET", path(todo)).header("If-None-Match", "\"2\"").send().status())
                    .isEqualTo(200);
        }

        @Test
        void aStaleIfMatchIs412AndChangesNothing() {
            var owner = owner("stale");
            var todo = owner.created("v1");
            var changed = owner.request("PATCH", path(todo)).header("If-Match", "\"1\"")
                    .header("Content-Type", "application/merge-patch+json").body("{\"title\":\"v2\"}").send();
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.header("ETag")).isEqualTo("\"2\"");

            for (var stale : List.of(
                    owner.request("PATCH", path(todo)).header("If-Match", "\"1\"").json("{\"title\":\"lost\"}"),
                    owner.request("PUT", path(todo)).header("If-Match", "\"1\"").json("{\"title\":\"lost\"}"),
                    owner.request("PATCH", path(todo)).header("If-Match", "W/\"2\"").json("{\"title\":\"lost\"}"),
                    owner.request("DELETE", path(todo)).header("If-Match", "\"1\""))) {
                assertProblem(stale.send(), 412);
            }
            var current = owner.get(path(todo));
            assertThat(current.json().path("title").asText()).isEqualTo("v2");
            assertThat(current.json().path("version").asLong()).isEqualTo(2);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "\"unterminated", "W/", "\"1\" junk", ","})
        void aMalformedIfMatchIs400(String condition) {
            var owner = owner("badmatch");
            var todo = owner.created("x");

            var response = owner.request("PATCH", path(todo)).header("If-Match", condition).json("{\"title\":\"y\"}")
                    .send();

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("If-Match");
            assertThat(owner.get(path(todo)).json().path("title").asText()).isEqualTo("x");
        }

        @Test
        void twentyConcurrentPatchesWithOneIfMatchHaveExactlyOneWinner() throws Exception {
            var owner = owner("contest");
            var todo = owner.created("contested");

            var statuses = Concurrently.run(20, i -> owner.request("PATCH", path(todo)).header("If-Match", "\"1\"")
                    .json(json("title", "writer " + i)).send().status());

            assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
            assertThat(statuses).filteredOn(status -> status == 412).hasSize(19);
            assertThat(owner.get(path(todo)).json().path("version").asLong()).isEqualTo(2);
        }

        /**
         * Without If-Match, writes are still conditional on the version each one read: of writers that read the
         * same version only one may win, so no two successes may share a version, and the last one stands.
         */
        @Test
        void concurrentUnconditionalWritesNeverBothWinOnOneVersion() throws Exception {
            var owner = owner("racers");
            var todo = owner.created("base");

            var responses = Concurrently.run(12, i -> owner.request("PUT", path(todo))
                    .json("{\"title\":\"writer " + i + "\",\"completed\":" + (i % 2 == 0) + "}").send());

            assertThat(responses).allSatisfy(response -> assertThat(response.status()).isIn(200, 409));
            var winners = responses.stream().filter(response -> response.status() == 200).toList();
            var versions = winners.stream().map(response -> response.json().path("version").asLong()).toList();
            assertThat(versions).doesNotHaveDuplicates();
            var last = winners.stream().max(java.util.Comparator.comparingLong(
                    response -> response.json().path("version").asLong())).orElseThrow();
            var current = owner.get(path(todo)).json();
            assertThat(current.path("version").asLong()).isEqualTo(1 + winners.size());
            assertThat(current.path("title").asText()).isEqualTo(last.json().path("title").asText());
            assertThat(current.path("completed")).isEqualTo(last.json().path("completed"));
        }

        @Test
        void aStaleIfMatchOnAReadIs412() {
            var owner = owner("readmatch");
            var todo = owner.created("x");

            assertProblem(owner.request("GET", path(todo)).header("If-Match", "\"2\"").send(), 412);
            assertThat(owner.request("GET", path(todo)).header("If-Match", "\"1\"").send().status()).isEqualTo(200);
        }

        @Test
        void anIfNoneMatchOnAWriteRefusesItWhenItMatches() {
            var owner = owner("nonematch");
            var todo = owner.created("exists");

            assertProblem(owner.request("PUT", path(todo)).header("If-None-Match", "*").json("{\"title\":\"y\"}")
                    .send(), 412);
            assertProblem(owner.request("PATCH", path(todo)).header("If-None-Match", "W/\"1\"")
                    .json("{\"title\":\"y\"}").send(), 412);
            assertThat(owner.request("PATCH", path(todo)).header("If-None-Match", "\"5\"").json("{\"title\":\"y\"}")
                    .send().status()).isEqualTo(200);
        }

        @Test
        void strongComparisonIsOfTheExactTag() {
            var owner = owner("exacttag");
            var todo = owner.created("x");

            assertProblem(owner.request("PATCH", path(todo)).header("If-Match", "\"01\"").json("{\"title\":\"y\"}")
                    .send(), 412);
        }

        @Test
        void aStaleIfMatchIs412EvenWhenTheBodyIsInvalid() {
            var owner = owner("order412");
            var todo = owner.created("x");
            owner.request("PATCH", path(todo)).json("{\"title\":\"y\"}").send();

            assertProblem(owner.request("PATCH", path(todo)).header("If-Match", "\"1\"").json("{\"title\":\"  \"}")
                    .send(), 412);
            // wrong types and unknown fields, which Jackson finds, are checked after the precondition too
            for (String method : List.of("PATCH", "PUT")) {
                for (String body : List.of("{\"title\":5}", "{\"colour\":\"red\"}")) {
                    assertProblem(owner.request(method, path(todo)).header("If-Match", "\"1\"").json(body).send(), 412);
                    assertProblem(owner.request(method, path(todo)).json(body).send(), 422);
                }
            }
        }
    }

    @Nested
    class Changing {
        @ParameterizedTest
        @ValueSource(strings = {"application/json", "application/merge-patch+json"})
        void aPatchChangesOnlyWhatItNames(String contentType) {
            var owner = owner("patcher");
            var todo = owner.created("Draft");

            var response = owner.request("PATCH", path(todo)).header("Content-Type", contentType)
                    .body("{\"completed\":true}").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("title").asText()).isEqualTo("Draft");
            assertThat(response.json().path("completed").asBoolean()).isTrue();
            assertThat(response.json().path("version").asLong()).isEqualTo(2);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"title\":null}|title", "{\"title\":\" \"}|title", "{\"completed\":\"yes\"}|completed",
            "{\"order\":1.5}|order", "{\"id\":\"todo_x\"}|id", "{\"version\":5}|version"})
        void aPatchThatBreaksARuleChangesNothing(String caseText) {
            String[] parts = caseText.split("\\|");
            var owner = owner("badpatch");
            var todo = owner.created("Intact");

            var response = owner.request("PATCH", path(todo)).json(parts[0]).send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly(parts[1]);
            assertThat(owner.get(path(todo)).json()).isEqualTo(todo);
        }

        @Test
        void aPutReplacesTheTodoAndNeedsATitle() {
            var owner = owner("putter");
            var todo = owner.created("Old");
            owner.request("PATCH", path(todo)).json("{\"completed\":true}").send();

            var replaced = owner.request("PUT", path(todo)).json("{\"title\":\"New\"}").send();
            var titleless = owner.request("PUT", path(todo)).json("{\"completed\":true}").send();

            assertThat(replaced.status()).isEqualTo(200);
            assertThat(replaced.json().path("title").asText()).isEqualTo("New");
            assertThat(replaced.json().path("completed").asBoolean()).isFalse();
            assertThat(replaced.header("ETag")).isEqualTo("\"3\"");
            assertProblem(titleless, 422);
            assertThat(errorFields(titleless)).containsExactly("title");
        }

        @Test
        void aDeletedTodoIsGoneAndASecondDeleteIs404() {
            var owner = owner("deleter");
            var todo = owner.created("Temporary");

            assertThat(owner.request("DELETE", path(todo)).send().status()).isEqualTo(204);
            assertProblem(owner.get(path(todo)), 404);
            assertProblem(owner.request("DELETE", path(todo)).send(), 404);
        }

        @Test
        void clearingCompletedDeletesOnlyTheCompletedOnes() {
            var owner = owner("clearer");
            var done = owner.created("done");
            owner.created("open");
            owner.request("PATCH", path(done)).json("{\"completed\":true}").send();

            assertThat(owner.request("DELETE", "/api/todos?completed=true").send().status()).isEqualTo(204);

            assertThat(titles(owner.get("/api/todos"))).containsExactly("open");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "?completed=false", "?completed=true&q=x"})
        void bulkDeletionWithoutCompletedTrueIsRefused(String query) {
            var owner = owner("bulk");
            owner.created("kept");

            assertProblem(owner.request("DELETE", "/api/todos" + query).send(), 400);
            assertThat(titles(owner.get("/api/todos"))).containsExactly("kept");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/api/todos/-1", "/api/todos/0", "/api/todos/9223372036854775808", "/api/todos/abc",
            "/api/todos/todo_", "/api/todos/TODO_01JD3Q9Z8K4M2N6P7R8S9T0V1W", "/api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W"})
        void unknownOrMalformedIdsAre404(String path) {
            assertProblem(owner("nobody").get(path), 404);
        }

        /** The container refuses these before the application sees them (Jetty and Tomcat alike), as it should. */
        @ParameterizedTest
        @ValueSource(strings = {"/api/todos/%00", "/api/todos/..%2f", "/api/todos/%2e%2e%2f%2e%2e%2fetc"})
        void ambiguousOrControlCharacterPathsAreRefusedBeforeTheApplication(String path) {
            var response = owner("traversal").get(path);

            assertThat(response.status()).as(response.toString()).isEqualTo(400);
        }
    }

    @Nested
    class Privacy {
        @Test
        void anotherAccountGets404OnEveryRouteAndTheTodoIsUnchanged() {
            var alice = owner("alice");
            var bob = owner("bob");
            var todo = alice.created("Alice's secret");
            var before = alice.get(path(todo)).json();

            for (var attempt : List.of(bob.request("GET", path(todo)),
                    bob.request("PUT", path(todo)).json("{\"title\":\"Bob was here\"}"),
                    bob.request("PATCH", path(todo)).json("{\"completed\":true}"),
                    bob.request("PATCH", path(todo)).header("If-Match", "\"1\"").json("{\"completed\":true}"),
                    bob.request("DELETE", path(todo)),
                    bob.request("GET", path(todo)).header("If-None-Match", "\"1\""))) {
                assertProblem(attempt.send(), 404);
            }
            assertThat(bob.request("DELETE", "/api/todos?completed=true").send().status()).isEqualTo(204);
            assertThat(titles(bob.get("/api/todos"))).isEmpty();
            assertThat(alice.get(path(todo)).json()).isEqualTo(before);
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET /api/todos", "POST /api/todos", "GET /api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W",
            "PUT /api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W", "PATCH /api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W",
            "DELETE /api/todos/todo_01JD3Q9Z8K4M2N6P7R8S9T0V1W", "DELETE /api/todos?completed=true"})
        void everyRouteNeedsASession(String route) {
            String[] parts = route.split(" ");

            var response = http.request(parts[0], parts[1]).json("{\"title\":\"x\"}").send();
            // the session is checked before the body is read
            var withBadBody = http.request(parts[0], parts[1]).json("{\"title\":5}").send();

            assertProblem(response, 401);
            assertProblem(withBadBody, 401);
        }

        @Test
        void theRootDocumentLinksTodos() {
            assertThat(http.get("/api").json().path("_links").path("todos").path("href").asText())
                    .isEqualTo("/api/todos");
        }
    }

    @Nested
    class IdempotencyKeys {
        Http.Response post(Owner owner, String key, String body) {
            return owner.request("POST", "/api/todos").header("Idempotency-Key", key).json(body).send();
        }

        @Test
        void aRetryWithTheSameKeyAndBodyReplaysTheFirstResponse() {
            var owner = owner("retrier");

            var first = post(owner, "create-milk-1", "{\"title\":\"milk\"}");
            var retry = post(owner, "create-milk-1", "{\"title\":\"milk\"}");

            assertThat(first.status()).isEqualTo(201);
            assertThat(first.header("Idempotent-Replayed")).isNull();
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
            assertThat(retry.header("ETag")).isEqualTo(first.header("ETag"));
            assertThat(retry.json()).isEqualTo(first.json());
            assertThat(titles(owner.get("/api/todos"))).containsExactly("milk");
        }

        @Test
        void theSameKeyWithAnotherBodyIs422() {
            var owner = owner("reuser");
            post(owner, "k-1", "{\"title\":\"first\"}");

            var response = post(owner, "k-1", "{\"title\":\"second\"}");

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("Idempotency-Key");
            assertThat(titles(owner.get("/api/todos"))).containsExactly("first");
        }

        @Test
        void keysBelongToOneAccount() {
            var alice = owner("alicekey");
            var bob = owner("bobkey");

            assertThat(post(alice, "shared-key", "{\"title\":\"a\"}").status()).isEqualTo(201);
            var bobs = post(bob, "shared-key", "{\"title\":\"a\"}");

            assertThat(bobs.status()).isEqualTo(201);
            assertThat(bobs.header("Idempotent-Replayed")).isNull();
            assertThat(titles(bob.get("/api/todos"))).containsExactly("a");
        }

        @Test
        void aRejectedRequestKeepsNoKeySoItsCorrectionRuns() {
            var owner = owner("corrector");

            assertProblem(post(owner, "fix-me", "{\"title\":\"\"}"), 422);
            var corrected = post(owner, "fix-me", "{\"title\":\"fixed\"}");

            assertThat(corrected.status()).isEqualTo(201);
            assertThat(corrected.header("Idempotent-Replayed")).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"TOO_LONG", "tab\there", "EMPTY"})
        void aMalformedKeyIs400AndNothingIsCreated(String key) {
            var owner = owner("badkey");
            String value = switch (key) {
                case "TOO_LONG" -> "k".repeat(256);
                case "EMPTY" -> "";
                default -> key;
            };

            var response = post(owner, value, "{\"title\":\"x\"}");

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("Idempotency-Key");
            assertThat(titles(owner.get("/api/todos"))).isEmpty();
        }

        @Test
        void aKeyWithCharactersBeyondAsciiIs400() {
            var owner = owner("utf8key");
            byte[] body = "{\"title\":\"x\"}".getBytes(StandardCharsets.UTF_8);

            var response = RawHttp.exchange(server, out -> {
                out.write(RawHttp.ascii("POST /api/todos HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                        + owner.caller.bearer() + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\nIdempotency-Key: "));
                out.write("ünïcode".getBytes(StandardCharsets.UTF_8));
                out.write(RawHttp.ascii("\r\n\r\n"));
                out.write(body);
            });

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).contains("Idempotency-Key");
            assertThat(titles(owner.get("/api/todos"))).isEmpty();
        }

        @Test
        void aKeyOf255PrintableCharactersIsAccepted() {
            var owner = owner("longkey");
            String key = "!~Az 09".repeat(37).substring(0, 255);

            assertThat(post(owner, key, "{\"title\":\"x\"}").status()).isEqualTo(201);
            assertThat(post(owner, key, "{\"title\":\"x\"}").header("Idempotent-Replayed")).isEqualTo("true");
        }

        @Test
        void twentyConcurrentPostsWithOneKeyCreateExactlyOneTodo() throws Exception {
            var owner = owner("stampede");

            var responses = Concurrently.run(20, i -> post(owner, "stampede-1", "{\"title\":\"once\"}"));

            var statuses = responses.stream().map(Http.Response::status).toList();
            assertThat(statuses).allSatisfy(status -> assertThat(status).isIn(201, 409));
            var created = responses.stream().filter(response -> response.status() == 201).toList();
            assertThat(created).isNotEmpty();
            assertThat(created.stream().map(response -> response.json().path("id").asText()).distinct()).hasSize(1);
            assertThat(created.stream().filter(response -> response.header("Idempotent-Replayed") == null)).hasSize(1);
            assertThat(titles(owner.get("/api/todos"))).containsExactly("once");
        }

        @Test
        void aCharsetOnTheContentTypeIsTheSameRequest() {
            var owner = owner("charset");
            post(owner, "charset-1", "{\"title\":\"x\"}");

            var retry = owner.request("POST", "/api/todos").header("Idempotency-Key", "charset-1")
                    .header("Content-Type", "application/json; charset=UTF-8").body("{\"title\":\"x\"}").send();

            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        }

        @Test
        void signInIsNeverReplayedSoNoTokenIsStored() {
            var owner = owner("signinkey");
            var signIn = (java.util.function.Supplier<Http.Response>) () -> http.request("POST", "/api/sessions")
                    .header("Authorization", owner.caller.bearer()).header("Idempotency-Key", "sign-in-1")
                    .json("{\"email\":\"" + owner.caller.email() + "\",\"password\":\"" + Identities.PASSWORD + "\"}")
                    .send();

            var first = signIn.get();
            var second = signIn.get();

            assertThat(first.status()).isEqualTo(201);
            assertThat(second.status()).isEqualTo(201);
            assertThat(second.header("Idempotent-Replayed")).isNull();
            assertThat(second.json().path("token").asText()).isNotEqualTo(first.json().path("token").asText());
        }

        @Test
        void keysHoldAcrossInstancesSharingTheDatabase() {
            var owner = owner("twoinstances");
            var first = post(owner, "across", "{\"title\":\"shared\"}");

            try (var second = TestServer.builder(database).start()) {
                var retry = new Http(second).request("POST", "/api/todos").header("Authorization", owner.caller.bearer())
                        .header("Idempotency-Key", "across").json("{\"title\":\"shared\"}").send();

                assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
                assertThat(retry.json()).isEqualTo(first.json());
            }
        }
    }
}
