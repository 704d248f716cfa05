package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Http;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The packaged target/quire.war, unmodified, deployed under /quire the way Tomcat deploys a dropped-in WAR:
 * with its own libraries and its own Logback, isolated from the test class path.
 */
class WarDeploymentIT {
    private static final Path WAR = Path.of(System.getProperty("quire.war", "target/quire.war"));
    private final StdoutCapture stdout = StdoutCapture.install();

    @Test
    void theWarServesTheApiUnderItsContextPathAndLogsJsonLines() {
        assertThat(WAR).exists();
        int mark = stdout.mark();
        try (var server = TestServer.builder(TestDatabase.h2()).war(WAR).contextPath("/quire").start()) {
            var http = new Http(server);

            var root = http.get("/api");
            assertThat(root.status()).isEqualTo(200);
            assertThat(root.json().path("_links").path("self").path("href").asText()).isEqualTo("/quire/api");
            assertThat(root.json().path("version").asText()).isNotBlank().isNotEqualTo("unknown");
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
            assertThat(http.get("/").body()).contains("<title>Quire</title>");
            assertThat(http.get("/js/main.js").status()).isEqualTo(200);
            // the description and Swagger UI's files are read from the WAR's own libraries and classes
            var document = http.get("/api/openapi.json");
            assertThat(document.status()).isEqualTo(200);
            assertThat(document.json().path("servers").get(0).path("url").asText()).isEqualTo("/quire");
            assertThat(document.json().path("info").path("version").asText()).isEqualTo(root.json().path("version").asText());
            assertThat(http.get("/docs/").body()).contains("swagger-ui-bundle.js");
            assertThat(http.get("/docs/swagger-ui-bundle.js").status()).isEqualTo(200);

            var missing = http.get("/api/nope");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().path("instance").asText()).isEqualTo("/quire/api/nope");

            JsonNode line = stdout.awaitAccessLines(mark, root.requestId()).get(0);
            assertThat(line.path("path").asText()).isEqualTo("/quire/api");
            assertThat(line.path("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void textLogFormatWritesOnePlainLinePerEvent() throws Exception {
        int mark = stdout.mark();
        try (var server = TestServer.builder(TestDatabase.h2()).war(WAR).contextPath("/quire")
                .setting("QUIRE_LOG_FORMAT", "text").start()) {
            var response = new Http(server).request("GET", "/api").header("X-Request-Id", "text-format-check").send();
            assertThat(response.status()).isEqualTo(200);

            long deadline = System.nanoTime() + 5_000_000_000L;
            while (stdout.linesSince(mark).stream().noneMatch(l -> l.contains("[text-format-check]"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(stdout.linesSince(mark)).anySatisfy(l -> assertThat(l)
                    .contains("INFO", "[text-format-check]", "GET /quire/api 200")
                    .doesNotStartWith("{"));
        }
    }
}
