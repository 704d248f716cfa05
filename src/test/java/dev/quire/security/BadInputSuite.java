package dev.quire.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.security.BadInputCatalogue.Answerer;
import dev.quire.security.BadInputCatalogue.Row;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * Every request of {@link BadInputCatalogue} against the real application: each gets exactly its designed 4xx, as
 * problem+json naming the request's id (the container's own refusals too), and no answer carries a stack trace, SQL,
 * a Java class name or a Server header. Not one of them changes the database: every table reads the same, row for row, after
 * the catalogue as before it. Runs once per database (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class BadInputSuite {
    /** Text that would mean an answer shows Quire's insides: a trace, a class or package, SQL, a driver. */
    static final List<String> LEAKS = List.of("Exception", "\tat ", "at dev.", "dev.quire", "java.", "javax.",
            "jakarta.", "org.h2", "org.postgresql", "org.glassfish", "org.eclipse", "com.fasterxml", "com.zaxxer",
            "org.flywaydb", "SELECT", "INSERT", "UPDATE ", "DELETE FROM", "syntax error", "SQLState", "Caused by",
            // the JSON parser's own words: its options, limits and character dumps
            "JsonReadFeature", "StreamReadConstraints", "Feature '", "ALLOW_", "enable `", "`", "CTRL-CHAR", "(code ",
            "Source:", "Jackson", "jackson");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestDatabase database;
    private TestServer server;
    private Belongings ada;
    private String before;

    abstract TestDatabase database();

    @BeforeAll
    void startServerAndMakeData() {
        database = database();
        server = TestServer.builder(database)
                // the catalogue signs in wrongly on purpose and must never be refused for the rate of its requests
                .setting("QUIRE_SIGNIN_LIMIT", "10000")
                .setting("QUIRE_RATE_LIMIT", "0")
                .setting("QUIRE_SIGNUP_LIMIT", "10000")
                .start();
        var http = new Http(server);
        ada = Belongings.make(http, new Identities(http), "Ada");
        before = DatabaseSnapshot.of(database.url());
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    List<Row> catalogue() {
        return BadInputCatalogue.rows();
    }

    @Test
    @Order(1)
    void theCatalogueHasOverAHundredDistinctRequestsOverEveryRouteFamily() {
        var rows = BadInputCatalogue.rows();
        var names = new HashSet<String>();
        rows.forEach(row -> assertThat(names.add(row.family() + ": " + row.name())).as("unique: " + row).isTrue());
        Map<String, Long> perFamily = rows.stream().collect(Collectors.groupingBy(Row::family, TreeMap::new,
                Collectors.counting()));

        assertThat(rows).hasSizeGreaterThanOrEqualTo(100);
        assertThat(perFamily.keySet()).containsExactly("accounts", "books", "keys", "mailed links", "reviews",
                "sessions", "todos");
        perFamily.forEach((family, count) -> assertThat(count).as(family).isGreaterThanOrEqualTo(20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    @Order(2)
    @Timeout(30)
    void eachBadRequestGetsItsDesigned4xxAndGivesNothingAway(Row row) {
        String requestId = "catalogue-" + SEQUENCE.incrementAndGet();

        var response = row.request().send(server.port(), ada.fill(), requestId);

        assertThat(response.status()).as(row + "\n" + response).isEqualTo(row.status());
        for (String leak : LEAKS) {
            assertThat(response.body()).as(row + ": leaks " + leak).doesNotContain(leak);
        }
        assertThat(response.body()).as(row + ": never echoes a token").doesNotContain(ada.caller().token());
        assertThat(response.header("Content-Type")).as(row + "\n" + response).isEqualTo("application/problem+json");
        assertThat(response.header("Server")).as(row.toString()).isNull();
        JsonNode problem = json(response.body());
        assertThat(problem.path("status").asInt()).as(row.toString()).isEqualTo(row.status());
        assertThat(problem.path("title").asText()).as(row.toString()).isNotBlank();
        assertThat(problem.path("detail").asText()).as(row.toString()).isNotBlank();
        String answeredId = response.header("X-Request-Id");
        assertThat(problem.path("requestId").asText()).as(row.toString()).isEqualTo(answeredId);
        // a container that could not read the request's headers cannot know the id sent: it makes a fresh one
        assertThat(answeredId).as(row.toString()).matches(row.answerer() == Answerer.APPLICATION
                ? Pattern.quote(requestId) : Pattern.quote(requestId) + "|[0-9a-f]{32}");
        if (row.mentions() != null) {
            assertThat(problem.path("detail").asText() + " " + problem.path("errors"))
                    .as(row + ": the problem names what is wrong").contains(row.mentions());
        }
        if (row.status() == 405) {
            assertThat(response.header("Allow")).as(row + ": 405 says what is allowed").isNotBlank();
        }
        if (row.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).as(row.toString()).startsWith("Bearer");
        }
    }

    @Test
    @Order(3)
    void theDatabaseIsUnchangedRowForRow() {
        assertThat(DatabaseSnapshot.of(database.url())).isEqualTo(before);
        assertThat(before).contains("== todos (1 rows)", "== books (1 rows)", "== reviews (1 rows)");
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }
}
