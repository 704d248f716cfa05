package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.ContainerOutputOnFailure;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The unmodified target/quire.war on real containers, each run as its distribution runs it with the settings
 * shipped in docker/: Tomcat 10.1 and 11 deploy it at /quire, Jetty 12 at the root. One smoke suite, on each.
 */
@ParameterizedClass(name = "{0} on {1}")
@CsvSource({"TOMCAT_10_1, h2", "TOMCAT_11, postgresql", "JETTY_12, h2"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ContainerOutputOnFailure.class)
class ContainerSmokeIT {
    @Parameter(0)
    Distribution distribution;
    @Parameter(1)
    String database;

    Container container;
    /** "/quire" on Tomcat, "" on Jetty */
    String context;

    @BeforeParameterizedClassInvocation
    void startContainer() {
        var data = database.equals("postgresql") ? TestDatabase.postgres() : TestDatabase.h2();
        container = Container.start(distribution, data.settings());
        context = container.contextPath();
    }

    @AfterParameterizedClassInvocation
    void stopContainer() {
        if (container != null) {
            container.close();
        }
    }

    @Test
    void entryPointLinksCarryTheContextPath() {
        var http = container.http();

        var root = http.get("/api");

        assertThat(root.status()).as(root.toString()).isEqualTo(200);
        assertThat(root.json().path("version").asText()).isNotBlank().isNotEqualTo("unknown");
        JsonNode links = root.json().path("_links");
        var expected = new LinkedHashMap<String, String>();
        expected.put("self", "/api");
        expected.put("accounts", "/api/accounts");
        expected.put("sessions", "/api/sessions");
        expected.put("keys", "/api/keys");
        expected.put("todos", "/api/todos");
        expected.put("books", "/api/books");
        expected.put("health-live", "/health/live");
        expected.put("health-ready", "/health/ready");
        expected.put("openapi", "/api/openapi.json");
        expected.put("docs", "/docs/");
        expected.forEach((rel, path) -> assertThat(links.path(rel).path("href").asText()).as(rel)
                .isEqualTo(context + path));
        // and any link added later lives under the context path too
        links.properties().forEach(link -> assertThat(link.getValue().path("href").asText()).as(link.getKey())
                .startsWith(context + "/"));
        assertOneAccessLineEach(http);
    }

    @Test
    void signsUpSignsInAndCreatesATodoAnsweringConditionalGetsWith304() {
        var http = container.http();
        var identities = new Identities(http);
        String email = Identities.uniqueEmail("smoke");

        var account = identities.signUp(email, Identities.PASSWORD, "Smoke Test");
        assertThat(account.status()).as(account.toString()).isEqualTo(201);
        String accountId = account.json().path("id").asText();
        assertThat(account.header("Location")).isEqualTo(container.baseUri() + "/api/accounts/" + accountId);
        assertThat(account.json().path("_links").path("self").path("href").asText())
                .isEqualTo(context + "/api/accounts/" + accountId);

        var session = identities.signIn(email, Identities.PASSWORD);
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        assertThat(session.json().path("accountId").asText()).isEqualTo(accountId);
        String bearer = "Bearer " + session.json().path("token").asText();

        var created = http.request("POST", "/api/todos").header("Authorization", bearer)
                .json("{\"title\":\"Deploy the WAR\"}").send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String todoId = created.json().path("id").asText();
        assertThat(created.header("Location")).isEqualTo(container.baseUri() + "/api/todos/" + todoId);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.json().path("title").asText()).isEqualTo("Deploy the WAR");

        var fetched = http.request("GET", "/api/todos/" + todoId).header("Authorization", bearer).send();
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(fetched.header("ETag")).isEqualTo("\"1\"");
        var unchanged = http.request("GET", "/api/todos/" + todoId).header("Authorization", bearer)
                .header("If-None-Match", fetched.header("ETag")).send();
        assertThat(unchanged.status()).as(unchanged.toString()).isEqualTo(304);
        assertThat(unchanged.header("ETag")).isEqualTo("\"1\"");
        assertThat(unchanged.body()).isEmpty();

        var list = http.request("GET", "/api/todos").header("Authorization", bearer).send();
        assertThat(list.json().path("items").findValuesAsText("id")).containsExactly(todoId);
        assertOneAccessLineEach(http);
    }

    @Test
    void listsBooksWithLinksUnderTheContextPath() {
        var http = container.http();
        var caller = new Identities(http).newCaller("books");
        String word = randomWord();
        var book = JsonNodeFactory.instance.objectNode().put("title", "Shipping " + word).put("author", "Ada Tester")
                .put("year", 2026);

        var created = http.request("POST", "/api/books").header("Authorization", caller.bearer())
                .json(book.toString()).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String bookId = created.json().path("id").asText();
        assertThat(created.header("Location")).isEqualTo(container.baseUri() + "/api/books/" + bookId);

        var all = http.get("/api/books");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(all.json().path("total").asInt()).isPositive();
        assertThat(all.json().path("_links").path("self").path("href").asText()).startsWith(context + "/api/books");
        var found = http.get("/api/books?q=" + word);
        assertThat(found.json().path("items").findValuesAsText("id")).containsExactly(bookId);
        assertThat(found.json().path("items").get(0).path("_links").path("self").path("href").asText())
                .isEqualTo(context + "/api/books/" + bookId);
        assertOneAccessLineEach(http);
    }

    @Test
    void unknownPathsAreProblemsNamingThePathAndTheRequestId() {
        var http = container.http();
        for (String path : new String[] {"/api/nope", "/no-such-page"}) {
            String requestId = "smoke-404-" + UUID.randomUUID();

            var missing = http.request("GET", path).header("X-Request-Id", requestId).send();

            assertThat(missing.status()).as(missing.toString()).isEqualTo(404);
            assertThat(missing.contentType()).isEqualTo("application/problem+json");
            assertThat(missing.header("X-Request-Id")).isEqualTo(requestId);
            assertThat(missing.json().path("instance").asText()).isEqualTo(context + path);
            assertThat(missing.json().path("requestId").asText()).isEqualTo(requestId);
        }
        assertOneAccessLineEach(http);
    }

    @Test
    void echoesTheRequestIdAndLogsOneJsonAccessLineWithIt() {
        var http = container.http();
        String requestId = "smoke-" + UUID.randomUUID();

        var live = http.request("GET", "/health/live").header("X-Request-Id", requestId).send();

        assertThat(live.status()).isEqualTo(200);
        assertThat(live.header("X-Request-Id")).isEqualTo(requestId);
        var lines = container.awaitAccessLines(requestId);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).path("method").asText()).isEqualTo("GET");
        assertThat(lines.get(0).path("path").asText()).isEqualTo(context + "/health/live");
        assertThat(lines.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(lines.get(0).path("level").asText()).isEqualTo("INFO");
    }

    @Test
    void quiresOwnOutputIsJsonLinesAmongTheContainersLines() {
        var lines = container.lines();

        // the container's own start-up lines are its business; every line Quire and its libraries write is JSON
        assertThat(lines).filteredOn(line -> line.startsWith("{")).isNotEmpty()
                .allSatisfy(line -> assertThat(Container.json(line)).as(line).isNotNull());
        assertThat(lines).filteredOn(line -> !line.startsWith("{"))
                .noneMatch(line -> line.contains("dev.quire") || line.contains("quire.access")
                        || line.contains("org.flywaydb") || line.contains("com.zaxxer"));
        assertThat(container.jsonLines(json -> json.path("message").asText().startsWith("Quire ")
                && json.path("message").asText().contains(" started at context path '" + context + "'")))
                .hasSize(1);
        assertThat(container.jsonLines(json -> json.path("logger").asText().startsWith("org.flywaydb"))).isNotEmpty();
    }

    @Test
    void listensOnlyOnTheLoopbackAddressItWasGiven() throws IOException {
        assertAccepts("127.0.0.1", container.port());
        assertRefuses("127.0.0.2", container.port());
        if (container.shutdownPort() > 0) {
            // Tomcat's shutdown port: loopback only, whatever the HTTP address
            assertRefuses("127.0.0.2", container.shutdownPort());
        }
    }

    /** Every request this client made left exactly one access line, under the context path. */
    private void assertOneAccessLineEach(Http http) {
        assertThat(http.requestIds()).isNotEmpty();
        for (String requestId : http.requestIds()) {
            var lines = container.awaitAccessLines(requestId);
            assertThat(lines).as("access lines of " + requestId).hasSize(1);
            assertThat(lines.get(0).path("path").asText()).startsWith(context + "/");
        }
    }

    private static void assertAccepts(String address, int port) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 2000);
        }
    }

    private static void assertRefuses(String address, int port) {
        assertThatThrownBy(() -> assertAccepts(address, port)).as(address + ":" + port)
                .isInstanceOf(ConnectException.class);
    }

    private static String randomWord() {
        var word = new StringBuilder("zq");
        for (int i = 0; i < 10; i++) {
            word.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return word.toString();
    }
}
