package dev.quire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What operators scrape is valid Prometheus text: promtool, the Prometheus project's own checker (Debian's
 * prometheus package, which .ci/run installs), accepts it without a lint warning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsPromtoolIT {
    private static final Path PROMTOOL = Path.of(System.getProperty("quire.test.promtool", "/usr/bin/promtool"));

    TestServer server;
    Http http;
    Identities identities;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2()).start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void isPrometheusTextThatPromtoolAccepts() throws IOException, InterruptedException {
        identities.newCaller("promtool"); // a little of everything: requests, queries, hashes
        var response = http.get("/metrics");
        assertThat(response.contentType()).startsWith("text/plain").contains("version=0.0.4", "charset=utf-8");

        if (!Files.isExecutable(PROMTOOL)) {
            throw new IllegalStateException(PROMTOOL + " is missing (Debian: apt-get install prometheus; .ci/run installs it)");
        }
        Path file = Files.createTempFile("quire-metrics", ".txt");
        Files.writeString(file, response.body(), StandardCharsets.UTF_8);
        var promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // 0: valid and lint-clean; 3 would be lint findings, 1 a parse error
        assertThat(promtool.exitValue()).as("promtool check metrics said: %s", verdict).isZero();
    }
}
