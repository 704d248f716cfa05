package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CORS as a real browser (headless Chromium) enforces it: a page from an origin in {@code QUIRE_CORS_ORIGINS} may
 * call the API, token and JSON body included; a page from any other origin can read nothing, and its writes are
 * stopped at the preflight, before they reach Quire. The two "other sites" are plain pages served by the JDK's
 * HTTP server on two loopback ports (two origins).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsBrowserTest {
    private static final String PAGE = "<!doctype html><title>another site</title><p>another site";

    @RegisterExtension
    final Browser browser = new Browser();

    HttpServer listedSite;
    HttpServer unlistedSite;
    TestServer quire;
    Identities.Caller caller;

    @BeforeAll
    void start() throws IOException {
        listedSite = site();
        unlistedSite = site();
        quire = TestServer.builder(TestDatabase.h2()).setting("QUIRE_CORS_ORIGINS", origin(listedSite)).start();
        caller = new Identities(new Http(quire)).newCaller("cors");
    }

    @AfterAll
    void stop() {
        quire.close();
        listedSite.stop(0);
        unlistedSite.stop(0);
    }

    @Test
    void aListedOriginReadsAndWrites() {
        browser.open(URI.create(origin(listedSite) + "/"));

        assertThat(fetch("/api/books", "GET", null)).isEqualTo("200 request id: yes");
        assertThat(fetch("/api/todos", "POST", "{\"title\":\"from the listed site\"}"))
                .isEqualTo("201 request id: yes");
        assertThat(todoTitles()).contains("from the listed site");
    }

    @Test
    void anUnlistedOriginReadsNothingAndItsWritesNeverArrive() {
        browser.open(URI.create(origin(unlistedSite) + "/"));

        assertThat(fetch("/api/books", "GET", null)).startsWith("blocked: TypeError");
        assertThat(fetch("/api/todos", "POST", "{\"title\":\"from the unlisted site\"}"))
                .startsWith("blocked: TypeError");
        assertThat(todoTitles()).doesNotContain("from the unlisted site");
    }

    /** Calls Quire from the open page as its own scripts would; what the page could see of the answer. */
    private String fetch(String path, String method, String json) {
        Object outcome = browser.script("""
                const [url, method, token, body] = arguments;
                const init = {method, headers: {}};
                if (body !== null) {
                  init.headers['Authorization'] = 'Bearer ' + token;
                  init.headers['Content-Type'] = 'application/json';
                  init.body = body;
                }
                return fetch(url, init)
                  .then(r => r.status + ' request id: ' + (r.headers.get('X-Request-Id') ? 'yes' : 'no'))
                  .catch(e => 'blocked: ' + e);
                """, quire.uri(path).toString(), method, caller.token(), json);
        return String.valueOf(outcome);
    }

    private String todoTitles() {
        return new Http(quire).request("GET", "/api/todos").header("Authorization", caller.bearer()).send().body();
    }

    private static HttpServer site() throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String origin(HttpServer site) {
        return "http://127.0.0.1:" + site.getAddress().getPort();
    }
}
