package dev.quire.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.support.Http;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document Quire serves, held against the packaged WAR by third-party tools that read it and nothing
 * else: Portman turns it into a Postman collection of contract tests (src/test/contract/portman-config.yaml), Newman
 * runs them against the server (every status, media type, JSON body and required header as the document says), then
 * again through Prism's validating proxy (any request or answer Prism finds breaking the document), and Spectral
 * lints it with the OWASP API Security ruleset (spectral-ruleset.yaml). The tools come from npm, at the versions
 * src/test/contract/package-lock.json pins, installed with {@code npm ci} under target/contract (again only when the
 * lock file changes). Everything the tools wrote stays there for reading: the collection, each run's requests and
 * failures, Prism's log, Spectral's findings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThirdPartyContractIT {
    private static final Path SOURCES = Path.of("src/test/contract");
    private static final Path WORK = Path.of("target/contract");
    private static final Path WAR = Path.of(System.getProperty("quire.war", "target/quire.war"));
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What Prism answers instead of forwarding, or instead of the server's answer, when it finds a violation
     * (type https://stoplight.io/prism/errors#VIOLATIONS, #UNPROCESSABLE_ENTITY, #UNAUTHORIZED...).
     */
    private static final String PRISM_PROBLEM = "https://stoplight.io/prism/errors#";
    /**
     * Left out of the run through Prism, which answers them itself:
     * - the variations whose requests break the document on purpose (a body that breaks the rules, an empty query
     *   parameter): with --errors Prism refuses them with its own 422 and never forwards them; the run straight to
     *   the server checks Quire's answers to them;
     * - GET /docs, whose 301 Prism 5.16 follows instead of passing it on (its forwarder calls node-fetch without
     *   redirect: 'manual', @stoplight/prism-http/dist/forwarder/index.js), then reports the 200 of /docs/ as a status
     *   the document does not give: Prism's bug, not Quire's; the straight run checks the 301.
     */
    private static final String NOT_THROUGH_PRISM =
            "\\[(a body that breaks the rules|an empty query parameter)\\]"
                    + "|^Moves to /docs/, whose relative links need the slash$";

    private TestServer server;
    private final List<Process> processes = new ArrayList<>();
    /**
     * Left out of both runs: the event streams' own requests (the operations whose success is text/event-stream,
     * read from the document), as item names. A stream's answer never ends by itself: Newman would wait out its
     * 30 s timeout and count a failure, and Prism would hold it as long. Their variations (a token that fails,
     * Accept ruling the stream out, a malformed Accept, a query parameter it does not take) end at once with a
     * problem, and are run; ApiContractTest opens the streams themselves and checks them against the document.
     */
    private String endlessStreams;

    @BeforeAll
    void installToolsStartQuireAndMakeTheCollection() throws IOException, InterruptedException {
        installTools();
        // the rate limit on (and out of reach) so that the RateLimit headers are there to check; sign-ups and failed
        // sign-ins are many in a run
        server = TestServer.builder(TestDatabase.h2()).war(WAR).setting("QUIRE_DEMO_DATA", "true")
                .setting("QUIRE_RATE_LIMIT", "100000").setting("QUIRE_SIGNUP_LIMIT", "100000")
                .setting("QUIRE_SIGNIN_LIMIT", "10000").start();
        var document = new Http(server).get("/api/openapi.json");
        assertThat(document.status()).as(document.toString()).isEqualTo(200);
        Files.writeString(WORK.resolve("openapi.json"), document.body());
        endlessStreams = endlessStreams(document.json());

        run(Duration.ofMinutes(2), "portman.log", tool("portman"), "--local", "openapi.json",
                "--portmanConfigFile", "portman-config.yaml", "--output", "collection.json",
                "--baseUrl", base(server.port()), "--syncPostman", "false", "--runNewman", "false");
        assertThat(WORK.resolve("collection.json")).as("Portman's collection (see portman.log)").exists();
    }

    @AfterAll
    void stop() {
        processes.forEach(ThirdPartyContractIT::end);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void newmanFindsEveryAnswerAsTheDocumentSays() throws IOException, InterruptedException {
        var result = newman("straight", base(server.port()), endlessStreams);

        assertThat(result.path("requests").size()).as("requests Newman sent").isGreaterThan(150);
        assertThat(result.path("skipped")).as("requests left out: the event streams' own").hasSize(2);
        assertThat(failures(result)).as("Newman's failed assertions, straight to Quire (all in "
                + WORK.resolve("newman-straight.json") + ")").isEmpty();
    }

    @Test
    void prismFindsNoRequestOrAnswerThatBreaksTheDocument() throws IOException, InterruptedException {
        int port = freePort();
        var prism = start("prism.log", tool("prism"), "proxy", "openapi.json", base(server.port()), "--errors",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--cors", "false");
        awaitListening(prism, port, WORK.resolve("prism.log"));

        var result = newman("through-prism", base(port), NOT_THROUGH_PRISM + "|" + endlessStreams);

        assertThat(result.path("requests").size()).as("requests sent through Prism").isGreaterThan(150);
        assertThat(violations(result)).as("what Prism found breaking the document (see "
                + WORK.resolve("newman-through-prism.json") + " and prism.log)").isEmpty();
    }

    @Test
    void spectralFindsNothingWithTheOwaspRules() throws IOException, InterruptedException {
        // Spectral ends with 1 when it finds an error: its findings are read either way
        int exit = exitOf(Duration.ofMinutes(2), "spectral.log", tool("spectral"), "lint", "openapi.json",
                "--ruleset", "spectral-ruleset.yaml", "--format", "json", "--output", "spectral.json", "--quiet");
        assertThat(exit).as("Spectral ran (" + WORK.resolve("spectral.log") + "):\n"
                + tail(Files.readString(WORK.resolve("spectral.log")))).isIn(0, 1);
        var findings = new ArrayList<String>();
        for (var finding : JSON.readTree(WORK.resolve("spectral.json").toFile())) {
            // 0 error, 1 warning; information and hints (2, 3) are not findings
            if (finding.path("severity").asInt() <= 1) {
                findings.add((finding.path("severity").asInt() == 0 ? "error " : "warning ")
                        + finding.path("code").asText() + " at " + pointer(finding.path("path")) + ": "
                        + finding.path("message").asText());
            }
        }

        assertThat(findings).as("Spectral's errors and warnings").isEmpty();
    }

    /**
     * The names Portman gives the requests of the operations that answer with a stream of events (their
     * summaries), as a regular expression that matches those requests and not their variations.
     */
    private static String endlessStreams(JsonNode document) {
        var summaries = new ArrayList<String>();
        document.path("paths").forEach(path -> path.forEach(operation -> {
            if (operation.path("responses").path("200").path("content").has("text/event-stream")) {
                // escaped for JavaScript's RegExp (run-newman.js), which knows no \Q...\E
                summaries.add(operation.path("summary").asText().replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0"));
            }
        }));
        assertThat(summaries).as("the event streams in the document").hasSize(2);
        return "^(" + String.join("|", summaries) + ")$";
    }

    /** Runs the collection against {@code baseUrl} and returns run-newman.js's account of the run. */
    private JsonNode newman(String name, String baseUrl, String skip) throws IOException, InterruptedException {
        String output = "newman-" + name + ".json";
        var command = new ArrayList<>(List.of("node", "run-newman.js", "collection.json", baseUrl, output));
        if (skip != null) {
            command.add(skip);
        }
        run(Duration.ofMinutes(3), "newman-" + name + ".log", command.toArray(String[]::new));
        return JSON.readTree(WORK.resolve(output).toFile());
    }

    /** Each failed assertion or script error, with the request and the status it got. */
    private static List<String> failures(JsonNode result) {
        var failures = new ArrayList<String>();
        for (var failure : result.path("failures")) {
            String item = failure.path("item").asText();
            failures.add(item + " (" + lastRequest(result, item) + "): " + failure.path("test").asText() + ": "
                    + failure.path("message").asText().replaceAll("\\s+", " "));
        }
        return failures;
    }

    /** Each request Prism found breaking the document: its sl-violations header, or the problem it answered. */
    private static List<String> violations(JsonNode result) {
        var violations = new ArrayList<String>();
        for (var request : result.path("requests")) {
            String where = request.path("item").asText() + " (" + request.path("request").asText() + " -> "
                    + request.path("status").asText() + "): ";
            if (!request.path("violations").isNull() && !request.path("violations").isMissingNode()) {
                violations.add(where + request.path("violations").asText());
            }
            String body = request.path("body").asText();
            if (body.contains(PRISM_PROBLEM)) {
                violations.add(where + body);
            }
            if (!request.path("error").isNull()) {
                violations.add(where + "no answer: " + request.path("error").asText());
            }
        }
        return violations;
    }

    private static String lastRequest(JsonNode result, String item) {
        String found = "not sent";
        for (var request : result.path("requests")) {
            if (request.path("item").asText().equals(item)) {
                found = request.path("request").asText() + " -> " + request.path("status").asText();
            }
        }
        return found;
    }

    /**
     * Copies src/test/contract into target/contract and, unless the same lock file was installed there before,
     * installs the tools it pins with {@code npm ci}: from the lock file only, without install scripts.
     */
    private void installTools() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.toList()) {
                Files.copy(file, WORK.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path stamp = WORK.resolve("node_modules/.quire-installed-lock.json");
        byte[] lock = Files.readAllBytes(SOURCES.resolve("package-lock.json"));
        if (Files.exists(stamp) && Arrays.equals(Files.readAllBytes(stamp), lock)) {
            return;
        }
        try {
            run(Duration.ofMinutes(6), "npm-ci.log", "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
        } catch (IOException e) {
            throw new IllegalStateException("npm is missing: install Node.js and npm (Debian: apt-get install nodejs "
                    + "npm; .ci/run does)", e);
        }
        Files.write(stamp, lock);
    }

    private static String tool(String name) {
        return WORK.resolve("node_modules/.bin").resolve(name).toAbsolutePath().toString();
    }

    /** Runs a command in target/contract, its output into {@code log}; fails unless it ends with 0 in time. */
    private void run(Duration limit, String log, String... command) throws IOException, InterruptedException {
        int exit = exitOf(limit, log, command);
        assertThat(exit).as(String.join(" ", command) + " (" + WORK.resolve(log) + "):\n"
                + tail(Files.readString(WORK.resolve(log), StandardCharsets.UTF_8))).isZero();
    }

    /** Runs a command in target/contract, its output into {@code log}, and returns its exit code. */
    private int exitOf(Duration limit, String log, String... command) throws IOException, InterruptedException {
        var process = start(log, command);
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            end(process);
            throw new AssertionError(String.join(" ", command) + " did not end within " + limit + ":\n"
                    + tail(Files.readString(WORK.resolve(log), StandardCharsets.UTF_8)));
        }
        processes.remove(process);
        return process.exitValue();
    }

    private Process start(String log, String... command) throws IOException {
        var process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true)
                .redirectOutput(WORK.resolve(log).toFile()).start();
        processes.add(process);
        return process;
    }

    private static void awaitListening(Process process, int port, Path log) throws IOException, InterruptedException {
        var deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("Prism is running:\n" + tail(Files.readString(log))).isTrue();
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("Prism did not listen on " + port + " within a minute:\n"
                + tail(Files.readString(log)));
    }

    private static void end(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String pointer(JsonNode path) {
        var parts = new ArrayList<String>();
        path.forEach(part -> parts.add(part.asText()));
        return "/" + String.join("/", parts);
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
    }
}
