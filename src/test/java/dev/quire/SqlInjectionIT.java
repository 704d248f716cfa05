package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Debian's sqlmap, at level 1 and risk 1, over every query parameter, JSON field and path id of eleven routes of the
 * packaged WAR, on H2 and on PostgreSQL: it must test each one and find nothing. sqlmap exits 0 whether or not it finds an injection,
 * so its output is read: every expected parameter must be reported as tested and "not injectable", sqlmap must
 * conclude that no tested parameter is, and nothing may read like a finding (a confirmed injection point, or a
 * database error message in an answer). No payload may get a 500 either. The processes run two at a time, each
 * with a fresh session under target/sqlmap/ (kept for reading) and a time limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlInjectionIT {
    private static final Path SQLMAP = Path.of(System.getProperty("quire.test.sqlmap", "/usr/bin/sqlmap"));
    private static final Path WAR = Path.of(System.getProperty("quire.war", "target/quire.war"));
    private static final Path OUTPUT = Path.of("target", "sqlmap", "level1");
    private static final Duration LIMIT_PER_ROUTE = Duration.ofMinutes(4);
    private static final Pattern NOT_INJECTABLE =
            Pattern.compile("parameter '([^']+)' does not seem to be injectable");
    /**
     * What sqlmap writes when it has confirmed an injection, and when an answer carried a database's error message
     * ("might be injectable (possible DBMS: ...)"). A candidate ("appears to be ... injectable") is not a finding
     * until sqlmap has checked it: when it does not hold, sqlmap says "false positive or unexploitable injection point
     * detected" and then that the parameter "does not seem to be injectable", which is what each parameter must get.
     */
    private static final List<Pattern> FINDINGS = List.of(
            Pattern.compile("(?i)identified the following injection point"),
            Pattern.compile("(?i)\\bis vulnerable\\b"),
            Pattern.compile("(?i)parameter '[^']+' might be injectable"));

    private final List<TestServer> servers = new ArrayList<>();
    private ExecutorService pool;
    private final Map<String, Future<String>> runs = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();

    /** One sqlmap run: a request and the parameters it must report as tested (sqlmap's names for them). */
    record Target(String db, TestServer server, String name, String method, String path, String json,
            List<String> options, Set<String> parameters) {
        String id() {
            return db + "/" + name;
        }
    }

    @BeforeAll
    void startServersAndSqlmap() {
        if (!Files.isExecutable(SQLMAP)) {
            throw new IllegalStateException(SQLMAP + " is missing (Debian: apt-get install sqlmap; .ci/run installs it)");
        }
        for (var database : List.of(TestDatabase.h2(), TestDatabase.postgres())) {
            // no general rate limit and generous sign-in and sign-up limits: sqlmap's requests must reach the code
            var server = TestServer.builder(database).war(WAR).setting("QUIRE_RATE_LIMIT", "0")
                    .setting("QUIRE_SIGNIN_LIMIT", "10000").setting("QUIRE_SIGNUP_LIMIT", "10000").start();
            servers.add(server);
            targets.addAll(targets(database.name(), server));
        }
        deleteRecursively(OUTPUT);
        pool = Executors.newFixedThreadPool(2);
        for (var target : targets) {
            runs.put(target.id(), pool.submit(() -> sqlmap(target)));
        }
    }

    /** Seeds an account, todos, a book and its review, and returns the runs over this server's routes. */
    private static List<Target> targets(String db, TestServer server) {
        var http = new Http(server);
        var caller = new Identities(http).newCaller("Target");
        String auth = "Authorization: " + caller.bearer();
        String todo = null;
        for (String title : List.of("Seeded alpha", "Seeded beta", "Seeded gamma")) {
            var created = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                    .json("{\"title\":\"" + title + "\"}").send();
            assertThat(created.status()).isEqualTo(201);
            todo = todo == null ? created.json().path("id").asText() : todo;
        }
        var page = http.request("GET", "/api/todos?completed=false&q=seeded&sort=title&limit=1")
                .header("Authorization", caller.bearer()).send();
        assertThat(page.status()).isEqualTo(200);
        String cursor = page.json().path("nextCursor").asText();
        var book = http.request("POST", "/api/books").header("Authorization", caller.bearer())
                .json("{\"title\":\"The Silver Garden\",\"author\":\"Ann Author\",\"year\":1990,\"genre\":\"Fantasy\"}")
                .send();
        assertThat(book.status()).isEqualTo(201);
        String bookId = book.json().path("id").asText();
        assertThat(http.request("POST", "/api/books/" + bookId + "/reviews").header("Authorization", caller.bearer())
                .json("{\"rating\":4,\"text\":\"Seeded\"}").send().status()).isEqualTo(201);

        String books = "/api/books/" + bookId;
        return List.of(
                new Target(db, server, "books-search", "GET", "/api/books?q=silver&author=Ann+Author&genre=Fantasy"
                        + "&year_min=1900&year_max=2000&sort=title&page=1&per_page=20&facets=genre", null, List.of(),
                        Set.of("q", "author", "genre", "year_min", "year_max", "sort", "page", "per_page", "facets")),
                new Target(db, server, "todos-list", "GET", "/api/todos?completed=false&q=seeded&sort=title&limit=1"
                        + "&cursor=" + cursor, null, List.of("-H", auth),
                        Set.of("completed", "q", "sort", "limit", "cursor")),
                new Target(db, server, "todo-get", "GET", "/api/todos/" + todo + "*", null, List.of("-H", auth),
                        Set.of("#1*")),
                new Target(db, server, "todo-create", "POST", "/api/todos",
                        "{\"title\":\"Injected\",\"completed\":false,\"order\":1}", List.of("-H", auth),
                        Set.of("JSON title", "JSON completed", "JSON order")),
                new Target(db, server, "todo-replace", "PUT", "/api/todos/" + todo,
                        "{\"title\":\"Replaced\",\"completed\":true,\"order\":2}", List.of("-H", auth),
                        Set.of("JSON title", "JSON completed", "JSON order")),
                new Target(db, server, "sign-up", "POST", "/api/accounts",
                        "{\"email\":\"probe@example.com\",\"password\":\"" + Identities.PASSWORD + "\","
                                + "\"displayName\":\"Probe\"}", List.of(),
                        Set.of("JSON email", "JSON password", "JSON displayName")),
                // a wrong password is a 401, which would make sqlmap stop: it must go on
                new Target(db, server, "sign-in", "POST", "/api/sessions",
                        "{\"email\":\"" + caller.email() + "\",\"password\":\"" + Identities.PASSWORD + "\"}",
                        List.of("--ignore-code", "401"), Set.of("JSON email", "JSON password")),
                new Target(db, server, "book-create", "POST", "/api/books",
                        "{\"title\":\"Probe Book\",\"author\":\"Probe Author\",\"year\":1999,\"genre\":\"Essays\","
                                + "\"isbn\":\"9780306406157\",\"description\":\"Probed.\"}", List.of("-H", auth),
                        Set.of("JSON title", "JSON author", "JSON year", "JSON genre", "JSON isbn", "JSON description")),
                new Target(db, server, "book-get", "GET", books + "*", null, List.of(), Set.of("#1*")),
                new Target(db, server, "reviews-list", "GET", books + "/reviews?page=1&per_page=10", null, List.of(),
                        Set.of("page", "per_page")),
                new Target(db, server, "review-create", "POST", books + "/reviews", "{\"rating\":4,\"text\":\"Probe\"}",
                        List.of("-H", auth), Set.of("JSON rating", "JSON text")));
    }

    @AfterAll
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        servers.forEach(TestServer::close);
    }

    @TestFactory
    Stream<DynamicTest> sqlmapFindsNoInjectionInAnyParameter() {
        return targets.stream().map(target -> DynamicTest.dynamicTest(target.id() + ": " + target.method() + " "
                + target.path().replaceAll("\\?.*", "") + " " + target.parameters(), () -> {
                    String output = runs.get(target.id()).get(LIMIT_PER_ROUTE.toSeconds() * 6, TimeUnit.SECONDS);
                    assertNothingFound(target, output);
                }));
    }

    private static void assertNothingFound(Target target, String output) {
        String where = "sqlmap's output for " + target.id() + " (also under " + OUTPUT.resolve(target.id())
                + "):\n" + output;
        assertThat(output).as(where).contains("ending @");
        for (var finding : FINDINGS) {
            assertThat(finding.matcher(output).find()).as("%s found in %s", finding, where).isFalse();
        }
        var tested = new TreeSet<String>();
        var matcher = NOT_INJECTABLE.matcher(output);
        while (matcher.find()) {
            tested.add(matcher.group(1));
        }
        assertThat(tested).as("parameters tested and found not injectable, in %s", where)
                .containsExactlyInAnyOrderElementsOf(target.parameters());
        assertThat(output).as(where).contains("all tested parameters do not appear to be injectable")
                .doesNotContain("500 (Internal Server Error)");
    }

    private String sqlmap(Target target) throws IOException, InterruptedException {
        Path dir = OUTPUT.resolve(target.id());
        Files.createDirectories(dir);
        var command = new ArrayList<>(List.of(SQLMAP.toString(), "-u", target.server().uri(target.path()).toString(),
                "--method", target.method(), "--batch", "--level", "1", "--risk", "1", "--flush-session",
                "--disable-coloring", "--output-dir", dir.toAbsolutePath().toString()));
        if (target.json() != null) {
            command.addAll(List.of("--data", target.json()));
        }
        command.addAll(target.options());
        Path log = dir.resolve("stdout.txt");
        var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(LIMIT_PER_ROUTE.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("sqlmap did not finish within " + LIMIT_PER_ROUTE + " for " + target.id()
                    + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
