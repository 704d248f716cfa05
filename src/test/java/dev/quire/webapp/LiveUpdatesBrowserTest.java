package dev.quire.webapp;

import static dev.quire.support.Browser.button;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TodoPages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page's live updates as people see them: real headless Chromium, the real application on an embedded Jetty
 * (H2), two windows signed in to one account, and changes made through the API as another device makes them.
 * What the page shows is checked against what was stored, read back through the API. The server sends its
 * heartbeat every second here (every 15 s in production), so that it notices at once a stream whose session ended
 * or whose reader went away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveUpdatesBrowserTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /** One Chromium for the class, a fresh tab for each test; a second window gets its own sessionStorage. */
    @RegisterExtension
    static final Browser browser = Browser.sharedByTheClass();

    TestServer server;
    Http http;
    Identities identities;

    @BeforeAll
    void startServer() {
        server = TestServer.builder(TestDatabase.h2()).eventHeartbeat(HEARTBEAT).start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @AfterEach
    void nothingWentWrongInThePage() {
        // a blocked request (CSP: connect-src 'self'), or an exception the page did not handle, shows in the console
        assertThat(browser.console()).filteredOn(line -> line.contains("Content Security Policy")
                || line.contains("Uncaught") || line.contains("SyntaxError") || line.contains("TypeError")).isEmpty();
    }

    @Test
    void aTodoAddedTickedOffOrClearedInOneWindowChangesTheOtherWithoutAReload() {
        var caller = identities.newCaller("Twin");
        String first = browser.driver().getWindowHandle();
        signInThroughThePage(server, caller);
        String second = browser.driver().switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        signInThroughThePage(server, caller);
        String secondToken = token();
        inWindow(first);
        assertThat(token()).as("two sessions of one account").isNotEqualTo(secondToken).isNotNull();
        for (String window : List.of(first, second)) {
            inWindow(window);
            browser.showing(By.cssSelector(".todo-side .count"), "0 items left");
            browser.script("window.notReloaded = true");
        }

        inWindow(first);
        addTodo("Buy milk");
        long added = System.nanoTime();
        inWindow(second);
        browser.await("the todo added in the other window", d -> todoTitles().equals(List.of("Buy milk")));
        System.out.printf("A todo added in one window showed in the other after %d ms%n",
                (System.nanoTime() - added) / 1_000_000);
        browser.showing(By.cssSelector(".todo-side .count"), "1 item left");
        browser.showing(By.cssSelector(".todo-side .live-note"), "“Buy milk” was added elsewhere.");
        assertThat(browser.visible(By.cssSelector(".todo-side .live-note")).getAttribute("aria-live")).isEqualTo("polite");
        assertThat(activeElementId()).as("focus where it was").isEqualTo("new-todo");
        inWindow(first);
        assertThat(todoTitles()).as("the page's own change, once").containsExactly("Buy milk");
        assertThat(liveNote()).as("the page's own change is not news to it").isEmpty();

        inWindow(second);
        todo("Buy milk").findElement(By.cssSelector("input[type=checkbox]")).click();
        inWindow(first);
        browser.await("the todo ticked off in the other window", d -> todo("Buy milk").getAttribute("class").contains("done"));
        assertThat(todo("Buy milk").findElement(By.cssSelector("input[type=checkbox]")).isSelected()).isTrue();
        browser.showing(By.cssSelector(".todo-side .count"), "0 items left");
        browser.showing(By.cssSelector(".todo-side .live-note"), "“Buy milk” was ticked off elsewhere.");

        inWindow(second);
        addTodo("Walk the dog");
        inWindow(first);
        browser.await("the second todo", d -> todoTitles().equals(List.of("Buy milk", "Walk the dog")));
        browser.showing(By.cssSelector(".todo-side .count"), "1 item left");
        browser.visible(button("Clear completed")).click();
        browser.showing(By.cssSelector(".todo-side .outcome"), "Cleared the completed todos.");
        inWindow(second);
        browser.await("the completed todo cleared in the other window", d -> todoTitles().equals(List.of("Walk the dog")));
        browser.showing(By.cssSelector(".todo-side .live-note"), "1 completed todo cleared elsewhere.");
        browser.showing(By.cssSelector(".todo-side .count"), "1 item left");

        var stored = TodoPages.all(http, caller);
        assertThat(stored).extracting(todo -> todo.path("title").asText()).containsExactly("Walk the dog");
        assertThat(stored.get(0).path("completed").asBoolean()).isFalse();
        for (String window : List.of(first, second)) {
            inWindow(window);
            assertThat(todoTitles()).as("window %s", window).containsExactly("Walk the dog");
            assertThat(browser.script("return window.notReloaded")).as("no reload in window %s", window).isEqualTo(true);
        }
    }

    @Test
    void aTitleBeingEditedIsLeftAloneWhenItChangesElsewhereAndSavingItSaysSo() {
        var caller = identities.newCaller("Ed");
        var draft = addThroughTheApi(caller, "Draft");
        addThroughTheApi(caller, "Untouched");
        signInThroughThePage(server, caller);
        browser.await("the todos", d -> todoTitles().equals(List.of("Draft", "Untouched")));
        todo("Draft").findElement(By.xpath(".//button[normalize-space(.)='Edit']")).click();
        var editor = browser.visible(By.cssSelector(".todo-list input.edit"));
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Typed here");

        patchThroughTheApi(caller, draft, "{\"title\":\"Final\"}");
        addThroughTheApi(caller, "Added elsewhere");
        browser.await("the todo added elsewhere", d -> todoTitles().contains("Added elsewhere"));
        browser.showing(By.cssSelector(".todo-side .live-note"), "“Added elsewhere” was added elsewhere.");
        assertThat(browser.visible(By.cssSelector(".todo-list input.edit")).getDomProperty("value"))
                .as("what was typed, still there").isEqualTo("Typed here");
        assertThat((Boolean) browser.script("return document.activeElement.classList.contains('edit')"))
                .as("focus still in the editor").isTrue();

        browser.visible(By.cssSelector(".todo-list input.edit")).sendKeys(Keys.ENTER);
        var said = browser.showing(By.cssSelector(".todo-main .outcome [role=alert]"), "was changed somewhere else");
        assertThat((Boolean) browser.script("""
                const box = arguments[0].getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0""", said))
                .as("the warning in view").isTrue();
        browser.await("the todo as it is now", d -> todoTitles().equals(List.of("Final", "Untouched", "Added elsewhere")));
        assertThat(TodoPages.all(http, caller)).extracting(todo -> todo.path("title").asText())
                .containsExactly("Final", "Untouched", "Added elsewhere");
    }

    @Test
    void aBookPageShowsReviewsAndChangesMadeElsewhereAndSaysSoWhenTheBookIsDeleted() {
        var owner = identities.newCaller("Owner");
        var frank = identities.newCaller("Frank");
        var ada = identities.newCaller("Ada");
        var book = http.request("POST", "/api/books").header("Authorization", owner.bearer())
                .json("{\"title\":\"The Live Book\",\"author\":\"A. Writer\",\"year\":2001}").send().json();
        String path = "/api/books/" + book.path("id").asText();
        // a visitor: the catalogue's stream needs no session
        browser.open(server.uri("/#/books/" + book.path("id").asText()));
        browser.showing(By.id("book-rating"), "No reviews yet");
        browser.script("window.notReloaded = true");

        var franks = review(frank, path, "{\"rating\":5,\"text\":\"Read it in one sitting.\"}");
        browser.showing(By.cssSelector(".reviews"), "Read it in one sitting.");
        browser.showing(By.id("book-rating"), "★ 5.00 (1 review)");
        browser.showing(By.id("reviews-title"), "Reviews (1)");
        browser.showing(By.cssSelector(".live-note"), "New review by Frank: 5 out of 5. The rating is now ★ 5.00 (1 review).");
        review(ada, path, "{\"rating\":4,\"text\":\"Good, if long.\"}");
        browser.showing(By.id("book-rating"), "★ 4.50 (2 reviews)");
        assertThat(browser.driver().findElements(By.cssSelector(".reviews li .review-text")).stream()
                .map(WebElement::getText).toList()).as("newest first").containsExactly("Good, if long.", "Read it in one sitting.");

        assertThat(http.request("DELETE", path + "/reviews/" + franks.path("id").asText())
                .header("Authorization", frank.bearer()).send().status()).isEqualTo(204);
        browser.showing(By.id("book-rating"), "★ 4.00 (1 review)");
        browser.showing(By.cssSelector(".live-note"), "A review was deleted. The rating is now ★ 4.00 (1 review).");
        browser.await("Frank's review gone", d -> !browser.visible(By.cssSelector(".reviews")).getText()
                .contains("Read it in one sitting."));
        var stored = http.get(path).json();
        assertThat(stored.path("rating").path("count").asInt()).isEqualTo(1);
        assertThat(stored.path("rating").path("average").decimalValue()).isEqualByComparingTo("4");

        var changed = http.request("PUT", path).header("Authorization", owner.bearer())
                .header("If-Match", "\"" + stored.path("version").asText() + "\"")
                .json("{\"title\":\"The Live Book, Revised\",\"author\":\"A. Writer\",\"year\":2002}").send();
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        browser.showing(By.cssSelector("main h1"), "The Live Book, Revised");
        browser.showing(By.cssSelector(".book-detail .facts"), "2002");
        browser.showing(By.id("book-rating"), "★ 4.00 (1 review)");
        browser.showing(By.cssSelector(".live-note"), "This book’s details were changed elsewhere.");

        assertThat(http.request("DELETE", path).header("Authorization", owner.bearer())
                .header("If-Match", "\"" + changed.json().path("version").asText() + "\"").send().status()).isEqualTo(204);
        browser.showing(By.cssSelector(".live-note"), "This book was deleted elsewhere: it is no longer in the catalogue.");
        browser.showing(By.cssSelector("main h1"), "The Live Book, Revised");
        assertThat(browser.driver().findElements(By.cssSelector(".reviews-section, .book-detail"))).isEmpty();
        assertThat(http.get(path).status()).isEqualTo(404);
        assertThat(browser.script("return window.notReloaded")).isEqualTo(true);
    }

    /**
     * A network drop, as Chromium's DevTools make one: the page is told it is offline and every request fails
     * (its reconnections too) while another device changes the list. Back online, the page resumes after the last
     * event it saw: the server replays what it missed, and the list shows it without a reload.
     */
    @Test
    void afterTheNetworkDropsThePageResumesFromTheLastEventItSawAndMissesNothing() {
        var caller = identities.newCaller("Roamer");
        var early = addThroughTheApi(caller, "Added before");
        signInThroughThePage(server, caller);
        browser.await("the todo", d -> todoTitles().equals(List.of("Added before")));
        var seen = addThroughTheApi(caller, "Seen live");
        browser.await("an event seen live, to resume after", d -> todoTitles().equals(List.of("Added before", "Seen live")));
        browser.script("window.notReloaded = true");
        awaitOpenStreams(1);
        double replays = metric("quire_event_replays_total");

        browser.offline(true);
        try {
            awaitOpenStreams(0); // the server saw the stream end
            addThroughTheApi(caller, "Added during the drop");
            patchThroughTheApi(caller, seen, "{\"completed\":true}");
            assertThat(http.request("DELETE", "/api/todos/" + early.path("id").asText())
                    .header("Authorization", caller.bearer()).send().status()).isEqualTo(204);
            sleep(Duration.ofMillis(1500));
            assertThat(todoTitles()).as("nothing reaches a page without a network").containsExactly("Added before", "Seen live");
        } finally {
            browser.offline(false);
        }

        long back = System.nanoTime();
        browser.await("what changed during the drop", d -> todoTitles().equals(List.of("Seen live", "Added during the drop")));
        System.out.printf("Back online, the page showed what it had missed after %d ms%n", (System.nanoTime() - back) / 1_000_000);
        browser.await("the todo ticked off during the drop", d -> todo("Seen live").getAttribute("class").contains("done"));
        browser.showing(By.cssSelector(".todo-side .count"), "1 item left");
        assertThat(metric("quire_event_replays_total")).as("resumed with Last-Event-ID, not reloaded").isEqualTo(replays + 1);
        assertThat(browser.script("return window.notReloaded")).isEqualTo(true);
        assertThat(TodoPages.all(http, caller)).extracting(todo -> todo.path("title").asText())
                .containsExactly("Seen live", "Added during the drop");
    }

    /**
     * Signed out everywhere from another device: the server ends the stream (at its next heartbeat), the page's
     * reconnection is refused with 401, and the page says the session has ended, as it does for any request. Signing
     * in again in place resumes the stream from the last event it saw: a todo added meanwhile appears.
     */
    @Test
    void aSessionEndedElsewhereEndsTheStreamThePageSaysSoAndSigningInAgainResumesIt() {
        var caller = identities.newCaller("Sam");
        signInThroughThePage(server, caller);
        addThroughTheApi(caller, "Before the end");
        browser.await("an event seen live", d -> todoTitles().equals(List.of("Before the end")));
        browser.script("window.notReloaded = true");

        var elsewhere = identities.signIn(caller.email(), Identities.PASSWORD).json().path("token").asText();
        assertThat(http.request("DELETE", "/api/sessions").header("Authorization", "Bearer " + elsewhere).send().status())
                .isEqualTo(204);
        long ended = System.nanoTime();
        browser.showing(By.id("status"), "Your session has ended; sign in again.");
        System.out.printf("The page said the session had ended %d ms after it ended (heartbeat %s)%n",
                (System.nanoTime() - ended) / 1_000_000, HEARTBEAT);
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
        awaitOpenStreams(0);

        var again = new Identities.Caller(caller.accountId(), caller.email(),
                identities.signIn(caller.email(), Identities.PASSWORD).json().path("token").asText());
        addThroughTheApi(again, "Added while signed out here");
        double replays = metric("quire_event_replays_total");
        browser.visible(button("Sign in again")).click();
        browser.visible(By.id("again-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Sam");
        browser.await("the todo added while signed out", d -> todoTitles().equals(List.of("Before the end", "Added while signed out here")));
        assertThat(metric("quire_event_replays_total")).as("resumed with Last-Event-ID").isEqualTo(replays + 1);
        assertThat(browser.script("return window.notReloaded")).isEqualTo(true);

        addThroughTheApi(again, "And live again");
        browser.await("live again", d -> todoTitles().contains("And live again"));
        assertThat(TodoPages.all(http, again)).hasSize(3);
    }

    @Test
    void aViewKeepsOneStreamAndLetsItGoWhenThePersonMovesOnOrSignsOut() {
        var caller = identities.newCaller("Wanderer");
        signInThroughThePage(server, caller);
        browser.visible(By.id("new-todo"));
        awaitOpenStreams(1);
        // more view changes than an account may have streams open (10): a stream left behind would show
        for (int round = 0; round < 12; round++) {
            browser.visible(By.cssSelector("nav a[data-nav=books]")).click();
            browser.showing(By.cssSelector(".summary"), "Page 1");
            browser.visible(By.cssSelector("nav a[data-nav=todos]")).click();
            browser.visible(By.id("new-todo"));
        }
        awaitOpenStreams(1);
        addThroughTheApi(caller, "Still live");
        browser.await("a todo added elsewhere", d -> todoTitles().equals(List.of("Still live")));
        assertThat(refusedStreams()).as("streams refused for too many open").isZero();

        var book = http.request("POST", "/api/books").header("Authorization", caller.bearer())
                .json("{\"title\":\"Somewhere Else\",\"author\":\"B. Writer\"}").send().json();
        browser.open(server.uri("/#/books/" + book.path("id").asText()));
        browser.showing(By.cssSelector("main h1"), "Somewhere Else");
        awaitOpenStreams(1);

        browser.visible(button("Sign out")).click();
        browser.showing(By.id("status"), "Signed out.");
        awaitOpenStreams(0);
    }

    /**
     * The todo list under another filter is the same view of the same stream: it keeps its stream (no reconnection,
     * nothing replayed). Against the production heartbeat (15 s): the server notices a reader that went away only
     * when a heartbeat fails to reach it, so a new stream at every click would leave dead ones counted against the
     * account (at most 10) for 15 to 30 s.
     */
    @Test
    void switchingTheTodoListsFilterKeepsItsStream() {
        try (var production = TestServer.builder(TestDatabase.h2()).start()) {
            var productionHttp = new Http(production);
            var caller = new Identities(productionHttp).newCaller("Filters");
            signInThroughThePage(production, caller);
            browser.await("one stream", d -> metric(productionHttp, "quire_event_streams_open") == 1);
            for (int round = 0; round < 6; round++) {
                for (String filter : List.of("Active", "Completed", "All")) {
                    browser.visible(button(filter)).click();
                    browser.await("the list under " + filter, d -> !d.findElements(
                            By.cssSelector(".todo-list[aria-label='" + filter + " todos']")).isEmpty());
                }
            }
            assertThat(metric(productionHttp, "quire_event_streams_open")).as("streams open after 18 filter changes")
                    .isEqualTo(1);
            assertThat(refusedStreams(productionHttp)).isZero();
            var added = productionHttp.request("POST", "/api/todos").header("Authorization", caller.bearer())
                    .json("{\"title\":\"Still live\"}").send();
            assertThat(added.status()).isEqualTo(201);
            browser.await("the todo added elsewhere", d -> todoTitles().equals(List.of("Still live")));
        }
    }

    /**
     * A stream refused because the account has as many open as it may (429, Retry-After): the view loads without
     * it, tries again as told, and once in, reloads the list, since it has no event to resume after.
     */
    @Test
    void aStreamRefusedForTooManyOpenTriesAgainAsToldAndCatchesUp() {
        try (var limited = TestServer.builder(TestDatabase.h2()).setting("QUIRE_STREAMS_PER_ACCOUNT", "1")
                .eventHeartbeat(HEARTBEAT).start()) {
            var limitedHttp = new Http(limited);
            var caller = new Identities(limitedHttp).newCaller("Tabs");
            String first = browser.driver().getWindowHandle();
            signInThroughThePage(limited, caller);
            browser.visible(By.id("new-todo"));
            String second = browser.driver().switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
            signInThroughThePage(limited, caller);
            browser.visible(By.id("new-todo"));
            browser.showing(By.cssSelector(".todo-side .count"), "0 items left");

            var added = limitedHttp.request("POST", "/api/todos").header("Authorization", caller.bearer())
                    .json("{\"title\":\"While the second waited\"}").send();
            assertThat(added.status()).isEqualTo(201);
            inWindow(first);
            browser.await("the todo, live in the first window", d -> todoTitles().equals(List.of("While the second waited")));
            browser.visible(By.cssSelector("nav a[data-nav=books]")).click(); // its stream goes
            inWindow(second);
            // it tries again after Retry-After (5 s), longer if the first window's stream was not gone yet
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).withMessage("the second window, caught up")
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> todoTitles().equals(List.of("While the second waited")));
            browser.showing(By.cssSelector(".todo-side .count"), "1 item left");
            limitedHttp.request("POST", "/api/todos").header("Authorization", caller.bearer())
                    .json("{\"title\":\"Then live\"}").send();
            browser.await("live in the second window", d -> todoTitles().contains("Then live"));
            assertThat(refusedStreams(limitedHttp)).as("the second window's first try").isPositive();
        }
    }

    /** The page's reader of Server-Sent Events, fed the stream's text in pieces that end anywhere. */
    @Test
    void theStreamReaderReadsEventsSplitAnywhereAsTheStandardSays() {
        browser.open(server.uri("/#/books"));
        browser.visible(By.cssSelector("main h1"));
        Object read = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/live.js', document.baseURI).href).then(({EventParser}) => {
                    const events = [];
                    const comments = [];
                    let retry = null;
                    const parser = new EventParser({event: e => events.push(e), comment: c => comments.push(c),
                        retry: ms => { retry = ms; }}, '3');
                    const text = 'retry: 3000\\n: connected\\n\\nid: 4\\nevent: todo.created\\ndata: {"id":"a"}\\n\\n'
                        + ': heartbeat\\n\\nid: 5\\r\\nevent: review.created\\r\\ndata: line one\\r\\ndata:line two\\r\\n\\r\\n'
                        + 'id: 6\\rdata: cr only\\r\\r' + 'id: 7\\n\\n' + 'id: 8\\nevent: cut\\ndata: never finished';
                    for (const size of [1, 2, 3, 7]) {
                        events.length = 0;
                        comments.length = 0;
                        const fresh = new EventParser(parser.handlers, '3');
                        for (let i = 0; i < text.length; i += size) {
                            fresh.push(text.slice(i, i + size));
                        }
                        const result = JSON.stringify({events, comments, retry, lastId: fresh.lastId});
                        if (size > 1 && result !== window.firstResult) {
                            done('pieces of ' + size + ' read differently: ' + result);
                            return;
                        }
                        window.firstResult = result;
                    }
                    done(window.firstResult);
                }, error => done('failed: ' + error));
                """);
        assertThat((String) read).isEqualTo("{\"events\":["
                + "{\"type\":\"todo.created\",\"data\":\"{\\\"id\\\":\\\"a\\\"}\",\"id\":\"4\"},"
                + "{\"type\":\"review.created\",\"data\":\"line one\\nline two\",\"id\":\"5\"},"
                + "{\"type\":\"message\",\"data\":\"cr only\",\"id\":\"6\"}],"
                + "\"comments\":[\"connected\",\"heartbeat\"],\"retry\":3000,\"lastId\":\"7\"}");
    }

    // ---- helpers ----

    private void signInThroughThePage(TestServer on, Identities.Caller caller) {
        browser.open(on.uri("/#/sign-in"));
        browser.visible(By.id("sign-in-email")).sendKeys(caller.email());
        browser.visible(By.id("sign-in-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as");
        browser.visible(By.id("new-todo"));
    }

    private void inWindow(String handle) {
        browser.driver().switchTo().window(handle);
    }

    private JsonNode addThroughTheApi(Identities.Caller caller, String title) {
        var created = http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                .json("{\"title\":\"" + title + "\"}").send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    private void patchThroughTheApi(Identities.Caller caller, JsonNode todo, String patch) {
        var patched = http.request("PATCH", "/api/todos/" + todo.path("id").asText())
                .header("Authorization", caller.bearer()).json(patch).send();
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    }

    private JsonNode review(Identities.Caller author, String bookPath, String body) {
        var posted = http.request("POST", bookPath + "/reviews").header("Authorization", author.bearer()).json(body).send();
        assertThat(posted.status()).as(posted.toString()).isEqualTo(201);
        return posted.json();
    }

    private void addTodo(String title) {
        int before = todoTitles().size();
        browser.visible(By.id("new-todo")).sendKeys(title + Keys.ENTER);
        browser.await("the todo \"" + title + "\" in the list", d -> todoTitles().size() == before + 1);
    }

    private List<String> todoTitles() {
        return browser.driver().findElements(By.cssSelector(".todo-list li .title")).stream()
                .map(WebElement::getText).toList();
    }

    private WebElement todo(String title) {
        return browser.driver().findElements(By.cssSelector(".todo-list li")).stream()
                .filter(li -> !li.findElements(By.cssSelector(".title")).isEmpty()
                        && li.findElement(By.cssSelector(".title")).getText().equals(title))
                .findFirst().orElseThrow(() -> new AssertionError("no todo titled " + title + " in " + todoTitles()));
    }

    private String liveNote() {
        return browser.driver().findElement(By.cssSelector(".live-note")).getText();
    }

    private String token() {
        return (String) browser.script("return sessionStorage.getItem('quire.token')");
    }

    private String activeElementId() {
        return (String) browser.script("return document.activeElement.id");
    }

    /** Waits until the server has this many event streams open (it notices a reader gone at its next heartbeat). */
    private void awaitOpenStreams(int count) {
        browser.await(count + " event streams open on the server",
                d -> metric("quire_event_streams_open") == count);
    }

    /** Streams refused with 429 (too many for the account), as the server's request metrics count them. */
    private double refusedStreams() {
        return refusedStreams(http);
    }

    private static double refusedStreams(Http http) {
        return http.get("/metrics").body().lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count") && line.contains("/api/todos/events")
                        && line.contains("status=\"429\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private double metric(String name) {
        return metric(http, name);
    }

    private static double metric(Http http, String name) {
        return http.get("/metrics").body().lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
