package dev.quire.docs;

import static dev.quire.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The documentation pages: Swagger UI at /docs/, its files from the WebJar and Quire's own initialiser, all under
 * the strict page policy and all found through relative URLs. Runs at the root and under a context path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DocsPageSuite {
    /** What the page loads: its scripts, style sheets and icons (not the links it shows). */
    private static final Pattern LOADED = Pattern.compile("<(?:script|link)[^>]* (?:src|href)=\"([^\"]+)\"");

    TestServer server;
    Http http;

    abstract String contextPath();

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2()).contextPath(contextPath()).start();
        http = new Http(server);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void thePageIsHtmlUnderTheSamePolicyAsEveryPage() {
        var page = http.get("/docs/");
        String policy = page.header("Content-Security-Policy");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).isEqualTo("text/html;charset=utf-8");
        assertThat(page.body()).contains("<div id=\"swagger-ui\"></div>").doesNotContain("<script>", "style=");
        assertThat(policy).isEqualTo(http.get("/").header("Content-Security-Policy"))
                .contains("script-src 'self'", "style-src 'self'").doesNotContain("unsafe");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    }

    @Test
    void everyScriptStyleSheetAndIconOfThePageLoadsFromThisOrigin() {
        URI pageUri = server.uri("/docs/");
        var linked = new ArrayList<URI>();
        LOADED.matcher(http.get("/docs/").body()).results().forEach(match -> linked.add(pageUri.resolve(match.group(1))));

        assertThat(linked).hasSizeGreaterThanOrEqualTo(5);
        for (URI uri : linked) {
            assertThat(uri.getAuthority()).as(uri.toString()).isEqualTo(pageUri.getAuthority());
            assertThat(uri.getPath()).as(uri.toString()).startsWith(server.contextPath() + "/");
            var response = http.request("GET", uri.getPath().substring(server.contextPath().length())
                    + (uri.getQuery() == null ? "" : "?" + uri.getQuery())).send();
            assertThat(response.status()).as(uri.toString()).isEqualTo(200);
            assertThat(response.contentType()).as(uri.toString()).isEqualTo(expectedType(uri.getPath()));
            assertThat(response.header("Content-Security-Policy")).isEqualTo(http.get("/").header("Content-Security-Policy"));
        }
        assertThat(linked).extracting(URI::getPath).contains(server.contextPath() + "/docs/swagger-ui-bundle.js",
                server.contextPath() + "/docs/init.js", server.contextPath() + "/docs/swagger-ui.css");
    }

    @Test
    void theInitialiserFindsTheDocumentRelativeToThePageAndCallsNowhereElse() {
        String init = http.get("/docs/init.js").body();
        URI document = server.uri("/docs/").resolve("../api/openapi.json");

        assertThat(init).contains("new URL('../api/openapi.json', document.baseURI)", "validatorUrl: null")
                .doesNotContain("http:", "https:");
        assertThat(document.getPath()).isEqualTo(server.contextPath() + "/api/openapi.json");
        var served = http.get("/api/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json().path("servers").get(0).path("url").asText())
                .isEqualTo(contextPath().equals("/") ? "/" : contextPath());
    }

    @Test
    void docsWithoutTheSlashMovesToThePage() {
        var response = http.get("/docs");

        assertThat(response.status()).isEqualTo(301);
        assertThat(response.header("Location")).isEqualTo(server.uri("/docs/").toString());
    }

    @Test
    void swaggerUisFilesAreKeptForAYearAndQuiresOwnAreRevalidated() {
        var bundle = http.get("/docs/swagger-ui-bundle.js");
        var init = http.get("/docs/init.js");
        var unchanged = http.request("GET", "/docs/init.js").header("If-None-Match", init.header("ETag")).send();

        assertThat(bundle.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(init.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/docs/index.html", "/docs/openapi.yaml", "/docs/swagger-initializer.js",
            "/docs/oauth2-redirect.html", "/docs/swagger-ui.js", "/docs/package-info.class"})
    void onlyTheFilesThePageUsesAreServed(String path) {
        assertProblem(http.get(path), 404);
    }

    @Test
    void theApiKeepsItsOwnPolicyAndPathsThatOnlyBeginLikeDocsAreTheWebRoots() {
        var document = http.get("/api/openapi.json");

        assertThat(document.header("Content-Security-Policy")).startsWith("default-src 'none'");
        assertProblem(http.get("/docsx"), 404);
        assertThat(http.get("/docsx").json().path("detail").asText()).contains("There is no resource at");
    }

    private static String expectedType(String path) {
        if (path.endsWith(".js")) {
            return "text/javascript;charset=utf-8";
        }
        if (path.endsWith(".css")) {
            return "text/css;charset=utf-8";
        }
        return path.endsWith(".png") ? "image/png" : "unexpected: " + path;
    }
}
