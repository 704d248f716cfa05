package dev.quire.webapp;

import static dev.quire.support.Browser.button;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The account page's sessions and API keys, as a person uses them in headless Chromium against the real application:
 * every button and form there, each outcome then checked through the API (a key made on the page reads todos over
 * HTTP and is refused a write; revoked on the page, it is refused at once).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsAndKeysBrowserTest {
    @RegisterExtension
    static final Browser browser = Browser.sharedByTheClass();

    TestServer server;
    Http http;
    Identities identities;

    @BeforeAll
    void startServer() {
        server = TestServer.builder(TestDatabase.h2()).setting("QUIRE_SIGNIN_LIMIT", "10000").start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @AfterEach
    void nothingWentWrongInThePage() {
        assertThat(browser.console()).filteredOn(line -> line.contains("Content Security Policy")
                || line.contains("Uncaught") || line.contains("SyntaxError") || line.contains("TypeError")).isEmpty();
    }

    @Test
    void theSessionListMarksThisDeviceSignsOneOutThenEveryOtherThenThisOne() {
        var kim = identities.newCaller("Kim");
        var phone = signInAs(kim.email(), "Kim's phone");
        signInThroughThePage(kim);
        openAccount();

        browser.showing(By.cssSelector(".session-list"), "Kim's phone");
        browser.showing(By.cssSelector(".session-list"), "(this device)");
        assertThat(browser.driver().findElements(By.cssSelector(".session-list .session"))).hasSize(3);

        sessionItem(phone.path("id").asText()).findElement(By.tagName("button")).click();
        browser.showing(By.cssSelector(".sessions .outcome"), "Signed out that session.");
        assertThat(status("GET", "/api/todos", "Bearer " + phone.path("token").asText())).isEqualTo(401);
        assertThat(status("GET", "/api/todos", kim.bearer())).as("the session signed in before the page's")
                .isEqualTo(200);
        assertThat(browser.driver().findElements(By.cssSelector(".session-list .session"))).hasSize(2);

        browser.visible(button("Sign out everywhere else")).click();
        browser.showing(By.cssSelector(".sessions .outcome"), "Signed out everywhere else");
        assertThat(status("GET", "/api/todos", kim.bearer())).isEqualTo(401);
        String pageToken = token();
        assertThat(status("GET", "/api/todos", "Bearer " + pageToken)).as("this device's session goes on")
                .isEqualTo(200);
        assertThat(sessionsOf(pageToken)).hasSize(1);

        browser.visible(By.cssSelector(".session-list .session button[aria-label='Sign out this device']")).click();
        browser.showing(By.id("status"), "Signed out.");
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
        assertThat(token()).isNull();
        assertThat(status("GET", "/api/todos", "Bearer " + pageToken)).isEqualTo(401);
    }

    @Test
    void aKeyMadeOnThePageReadsTodosIsRefusedAWriteAndIsRevokedOnThePage() {
        var mo = identities.newCaller("Mo");
        assertThat(http.request("POST", "/api/todos").header("Authorization", mo.bearer())
                .json("{\"title\":\"Water the plants\"}").send().status()).isEqualTo(201);
        signInThroughThePage(mo);
        openAccount();
        browser.showing(By.cssSelector(".key-list"), "No keys yet.");

        // no scope ticked: refused, and nothing made
        browser.visible(By.id("key-name")).sendKeys("nothing allowed");
        browser.visible(button("Create key")).click();
        browser.showing(By.cssSelector(".key-form .outcome"), "at least one scope");
        assertThat(keysOf(mo)).isEmpty();

        browser.visible(By.id("key-name")).sendKeys(Keys.chord(Keys.CONTROL, "a"), "backup script");
        browser.visible(By.id("key-scope-todos-read")).click();
        browser.visible(button("Create key")).click();

        var shown = browser.visible(By.id("new-key-secret"));
        String secret = shown.getDomProperty("value");
        assertThat(secret).startsWith("quire_pat_").hasSize(64);
        browser.showing(By.cssSelector(".new-key .warning"), "shown only this once");
        browser.visible(button("Copy")).click();
        browser.await("the Copy button said what it did", driver -> !driver.findElement(
                By.cssSelector(".new-key [aria-live]")).getText().isBlank());
        browser.showing(By.cssSelector(".key-list"), "backup script");
        browser.showing(By.cssSelector(".key-list"), secret.substring(0, 16) + "…");
        assertThat(browser.driver().findElement(By.cssSelector(".key-list")).getText())
                .doesNotContain(secret.substring(16));

        var read = http.request("GET", "/api/todos").header("Authorization", "Bearer " + secret).send();
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("items").get(0).path("title").asText()).isEqualTo("Water the plants");
        var write = http.request("POST", "/api/todos").header("Authorization", "Bearer " + secret)
                .json("{\"title\":\"Not by a read-only key\"}").send();
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.header("WWW-Authenticate")).contains("scope=\"todos:write\"");

        // a second key, with two scopes and an expiry date
        browser.visible(button("Done")).click();
        browser.visible(By.id("key-name")).sendKeys("deploy");
        browser.visible(By.id("key-scope-todos-write")).click();
        browser.visible(By.id("key-scope-account-read")).click();
        LocalDate day = LocalDate.now().plusDays(30);
        browser.script("arguments[0].value = arguments[1]", browser.visible(By.id("key-expires")), day.toString());
        browser.visible(button("Create key")).click();
        browser.showing(By.cssSelector(".new-key"), "deploy");
        var keys = keysOf(mo);
        assertThat(keys).hasSize(2);
        var deploy = keys.get(0);
        assertThat(deploy.path("name").asText()).isEqualTo("deploy");
        assertThat(deploy.path("scopes")).extracting(JsonNode::asText).containsExactly("todos:write", "account:read");
        Instant expires = Instant.parse(deploy.path("expiresAt").asText());
        assertThat(expires).isAfter(Instant.now().plusSeconds(29L * 24 * 3600))
                .isBefore(Instant.now().plusSeconds(32L * 24 * 3600));
        assertThat(keys.get(1).path("expiresAt").isNull()).as("the first key lasts until revoked").isTrue();

        browser.visible(By.cssSelector(".key-list button[aria-label='Revoke backup script']")).click();
        browser.showing(By.cssSelector(".keys .outcome"), "Revoked “backup script”");
        assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + secret).send().status())
                .as("revoked on the page: refused at once").isEqualTo(401);
        assertThat(keysOf(mo)).extracting(key -> key.path("name").asText()).containsExactly("deploy");
    }

    private void openAccount() {
        browser.visible(By.cssSelector("#account a.who")).click();
        browser.showing(By.cssSelector("main h1"), "Your account");
    }

    private WebElement sessionItem(String id) {
        return browser.visible(By.cssSelector(".session-list .session[data-session='" + id + "']"));
    }

    private JsonNode signInAs(String email, String userAgent) {
        var body = JsonNodeFactory.instance.objectNode().put("email", email).put("password", Identities.PASSWORD);
        var response = http.request("POST", "/api/sessions").header("User-Agent", userAgent).json(body.toString())
                .send();
        assertThat(response.status()).isEqualTo(201);
        return response.json();
    }

    private void signInThroughThePage(Identities.Caller caller) {
        browser.open(server.uri("/#/sign-in"));
        browser.visible(By.id("sign-in-email")).sendKeys(caller.email());
        browser.visible(By.id("sign-in-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as");
    }

    private int status(String method, String path, String authorization) {
        return http.request(method, path).header("Authorization", authorization).send().status();
    }

    private List<JsonNode> sessionsOf(String token) {
        var items = new ArrayList<JsonNode>();
        http.request("GET", "/api/sessions").header("Authorization", "Bearer " + token).send().json().path("items")
                .forEach(items::add);
        return items;
    }

    private List<JsonNode> keysOf(Identities.Caller caller) {
        var items = new ArrayList<JsonNode>();
        http.request("GET", "/api/keys").header("Authorization", caller.bearer()).send().json().path("items")
                .forEach(items::add);
        return items;
    }

    private String token() {
        return (String) browser.script("return sessionStorage.getItem('quire.token')");
    }
}
