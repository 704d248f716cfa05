package dev.quire.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;

/**
 * Swagger UI at /docs in a real headless Chromium, at the root and under a context path: it shows every operation
 * of the document, and "Try it out" reaches this Quire, all under the page's strict Content-Security-Policy.
 */
class DocsBrowserTest {
    @RegisterExtension
    final Browser browser = new Browser();

    @AfterEach
    void noViolations() {
        assertThat(browser.console()).filteredOn(line -> line.contains("Content Security Policy")
                || line.contains("Uncaught")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/quire"})
    void showsEveryOperationAndTriesOneOut(String contextPath) {
        try (var server = TestServer.builder(TestDatabase.h2()).contextPath(contextPath).start()) {
            int operations = 0;
            var paths = new Http(server).get("/api/openapi.json").json().path("paths");
            for (var path : paths) {
                for (var method : new String[] {"get", "put", "post", "patch", "delete"}) {
                    operations += path.has(method) ? 1 : 0;
                }
            }
            int expected = operations;

            browser.open(server.uri("/docs"));
            browser.await("every operation to be listed", d -> d.findElements(By.cssSelector(".opblock")).size()
                    == expected);

            browser.visible(By.cssSelector("#operations-books-listBooks .opblock-summary-control")).click();
            browser.visible(By.cssSelector("#operations-books-listBooks .try-out__btn")).click();
            browser.visible(By.cssSelector("#operations-books-listBooks .execute")).click();
            browser.showing(By.cssSelector("#operations-books-listBooks .live-responses-table .response-col_status"),
                    "200");
            assertThat(browser.visible(By.cssSelector("#operations-books-listBooks .request-url")).getText())
                    .contains(server.uri("/api/books").toString());
        }
    }
}
