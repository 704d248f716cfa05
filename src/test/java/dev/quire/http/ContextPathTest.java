package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Deployed under /quire (as Tomcat does with quire.war), every link and problem carries the context path. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContextPathTest {
    TestServer server;
    Http http;

    @BeforeAll
    void start() {
        server = TestServer.builder(TestDatabase.h2()).contextPath("/quire").setting("QUIRE_DEMO_DATA", "true").start();
        http = new Http(server);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void linksIncludeTheContextPath() {
        var response = http.get("/api");

        assertThat(response.status()).isEqualTo(200);
        var links = response.json().path("_links");
        assertThat(links.path("self").path("href").asText()).isEqualTo("/quire/api");
        assertThat(links.path("health-live").path("href").asText()).isEqualTo("/quire/health/live");
        assertThat(links.path("health-ready").path("href").asText()).isEqualTo("/quire/health/ready");
        assertThat(links.path("openapi").path("href").asText()).isEqualTo("/quire/api/openapi.json");
        assertThat(links.path("docs").path("href").asText()).isEqualTo("/quire/docs/");
    }

    @Test
    void bookLinksIncludeTheContextPath() {
        var page = http.get("/api/books?per_page=2").json();

        assertThat(page.path("_links").path("next").path("href").asText())
                .startsWith("/quire/api/books?").contains("page=2");
        var book = page.path("items").path(0);
        assertThat(book.path("_links").path("self").path("href").asText())
                .isEqualTo("/quire/api/books/" + book.path("id").asText());
        assertThat(book.path("_links").path("reviews").path("href").asText())
                .isEqualTo("/quire/api/books/" + book.path("id").asText() + "/reviews");
        assertThat(book.path("_links").path("author").path("href").asText()).startsWith("/quire/api/books?author=");
        assertThat(http.get("/api/books?per_page=2").header("Link"))
                .contains("</quire/api/books?page=2&per_page=2>; rel=\"next\"");

        var caller = new Identities(http).newCaller("context");
        var created = http.request("POST", "/api/books").header("Authorization", caller.bearer())
                .json("{\"title\":\"Placed\",\"author\":\"Someone\"}").send();
        assertThat(created.header("Location")).endsWith("/quire/api/books/" + created.json().path("id").asText());
        assertThat(created.json().path("_links").path("collection").path("href").asText()).isEqualTo("/quire/api/books");
    }

    @Test
    void problemsNameTheFullPath() {
        var response = http.get("/api/nope");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("instance").asText()).isEqualTo("/quire/api/nope");
        assertThat(http.get("/nope").json().path("instance").asText()).isEqualTo("/quire/nope");
    }

    @Test
    void apiAndPagesAreToldApartWithinTheContextPath() {
        assertThat(http.get("/api").header("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.API_POLICY);
        assertThat(http.get("/").header("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.PAGE_POLICY);
        assertThat(http.get("/docs/").header("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.PAGE_POLICY);
        assertThat(http.get("/health/live").status()).isEqualTo(200);
    }
}
