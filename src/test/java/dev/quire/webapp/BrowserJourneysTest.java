package dev.quire.webapp;

import static dev.quire.support.Browser.button;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The page in webapp/ as a person uses it: real headless Chromium, the real application on an embedded Jetty
 * (H2, with the demo catalogue), every step through the page's own controls. The API is used directly only to
 * check what the page did, or to change something behind its back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserJourneysTest {
    private static final String XSS = "<img src=x onerror=alert(1)>";

    @RegisterExtension
    final Browser browser = new Browser();

    TestServer server;
    Http http;
    Identities identities;

    @BeforeAll
    void startServer() {
        server = TestServer.builder(TestDatabase.h2()).setting("QUIRE_DEMO_DATA", "true").start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @AfterEach
    void nothingWentWrongInThePage() {
        // a blocked script or style (CSP), or an exception the page did not handle, shows up in the console
        assertThat(browser.console()).filteredOn(line -> line.contains("Content Security Policy")
                || line.contains("Uncaught") || line.contains("SyntaxError") || line.contains("TypeError")).isEmpty();
    }

    @Test
    void signUpSignInManageTodosReloadAndSignOut() {
        String email = Identities.uniqueEmail("grace");
        browser.open(server.uri("/"));
        browser.visible(By.cssSelector("header a[href='#/sign-in']")).click();

        signUp("Grace Hopper", email, Identities.PASSWORD);
        browser.showing(By.id("status"), "Account created for " + email);
        assertThat(browser.visible(By.id("sign-in-email")).getDomProperty("value")).isEqualTo(email);
        browser.visible(By.id("sign-in-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Grace Hopper");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/todos");

        for (String title : List.of("Buy milk", "Walk the dog", "Call mum")) {
            addTodo(title);
        }
        assertThat(todoTitles()).containsExactly("Buy milk", "Walk the dog", "Call mum");

        todo("Walk the dog").findElement(By.cssSelector("input[type=checkbox]")).click();
        browser.await("the todo to show as done", d -> todo("Walk the dog").getAttribute("class").contains("done"));
        assertThat(apiTodos().stream().filter(t -> t.path("completed").asBoolean()).map(t -> t.path("title").asText()))
                .containsExactly("Walk the dog");

        browser.visible(button("Active")).click();
        browser.await("only active todos", d -> todoTitles().equals(List.of("Buy milk", "Call mum")));
        browser.visible(button("Completed")).click();
        browser.await("only completed todos", d -> todoTitles().equals(List.of("Walk the dog")));

        browser.driver().navigate().refresh();
        browser.showing(By.id("account"), "Signed in as Grace Hopper");
        browser.await("the same filter after a reload", d -> todoTitles().equals(List.of("Walk the dog")));

        browser.visible(button("All")).click();
        browser.await("all todos", d -> todoTitles().size() == 3);
        todo("Call mum").findElement(By.xpath(".//button[normalize-space(.)='Edit']")).click();
        var editor = browser.visible(By.cssSelector(".todo-list input.edit"));
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Call mum and dad" + Keys.ENTER);
        browser.await("the new title", d -> todoTitles().contains("Call mum and dad"));
        assertThat(apiTodos().stream().map(t -> t.path("title").asText()))
                .containsExactlyInAnyOrder("Buy milk", "Walk the dog", "Call mum and dad");

        String token = token();
        browser.visible(button("Sign out")).click();
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
        assertThat(token()).isNull();
        assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + token).send().status())
                .as("the token the page signed out with").isEqualTo(401);
    }

    @Test
    void browseSearchOpenABookSignInAndReviewIt() {
        var reader = identities.newCaller("Octavia");
        browser.open(server.uri("/#/books"));
        browser.showing(By.cssSelector(".summary"), "Page 1 of 3 (54 books)");

        browser.visible(By.id("book-q")).sendKeys("dune" + Keys.ENTER);
        browser.showing(By.cssSelector(".summary"), "Page 1 of 1 (1 book)");
        // a filter of blanks is no filter: the page leaves it out (the API refuses an empty or blank one)
        browser.visible(By.id("book-author")).sendKeys("   ");
        browser.visible(By.id("book-q")).sendKeys(Keys.BACK_SPACE, Keys.ENTER);
        browser.await("the search without the blank author", d -> d.getCurrentUrl().contains("q=dun&")
                && !d.getCurrentUrl().contains("author"));
        browser.showing(By.cssSelector(".summary"), "Page 1 of 1 (1 book)");
        assertThat(browser.driver().findElements(By.cssSelector("#error:not([hidden])"))).isEmpty();
        browser.visible(By.linkText("Dune")).click();
        browser.showing(By.cssSelector("h1"), "Dune");
        browser.showing(By.id("book-rating"), "No reviews yet");

        browser.visible(By.cssSelector(".reviews-section a[href='#/sign-in']")).click();
        signIn(reader.email(), Identities.PASSWORD);
        browser.showing(By.id("account"), "Signed in as Octavia");
        browser.showing(By.cssSelector("h1"), "Dune"); // back where the person was

        new Select(browser.visible(By.id("review-rating"))).selectByValue("4");
        browser.visible(By.id("review-text")).sendKeys("Spice, sand and politics.");
        browser.visible(button("Post review")).click();
        browser.showing(By.id("book-rating"), "★ 4.00 (1 review)");
        browser.showing(By.cssSelector(".reviews"), "Spice, sand and politics.");
        assertThat(http.get("/api/books/book_00000000000000000000000001").json().path("rating").path("count").asInt())
                .isEqualTo(1);

        browser.visible(button("Delete my review")).click();
        browser.showing(By.id("book-rating"), "No reviews yet");
    }

    @Test
    void markupInATodoTitleIsShownAsTextAndNeverRuns() {
        signInThroughThePage(identities.newCaller("Mallory"));
        addTodo(XSS);

        assertThat(todoTitles()).contains(XSS);
        assertThat(browser.driver().findElements(By.cssSelector(".todo-list img"))).isEmpty();
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

        browser.driver().navigate().refresh(); // drawn again from what the API returns
        browser.await("the todo after a reload", d -> todoTitles().contains(XSS));
        assertThat(browser.driver().findElements(By.cssSelector(".todo-list img"))).isEmpty();
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void anApiErrorIsShownInWords() {
        var taken = identities.newCaller("Taken");
        browser.open(server.uri("/#/sign-in"));
        signUp("Someone Else", taken.email(), "another fine passphrase");

        var error = browser.visible(By.id("error"));
        assertThat(error.getText()).contains("already");
        assertThat(error.getAttribute("role")).isEqualTo("alert");

        // a bad query names the parameter it refuses
        browser.open(server.uri("/#/books?year_min=2000&year_max=1900"));
        browser.showing(By.id("error"), "year_min");
    }

    @Test
    void aTodoChangedElsewhereIsReloadedWithAWarning() {
        var owner = identities.newCaller("Ada");
        var created = http.request("POST", "/api/todos").header("Authorization", owner.bearer())
                .json("{\"title\":\"Draft\"}").send().json();
        signInThroughThePage(owner);
        browser.await("the todo", d -> todoTitles().contains("Draft"));

        http.request("PATCH", "/api/todos/" + created.path("id").asText()).header("Authorization", owner.bearer())
                .json("{\"title\":\"Final\"}").send();
        todo("Draft").findElement(By.cssSelector("input[type=checkbox]")).click();

        browser.showing(By.id("error"), "was changed somewhere else");
        browser.await("the todo as it is now", d -> todoTitles().equals(List.of("Final")));
        assertThat(todo("Final").findElement(By.cssSelector("input[type=checkbox]")).isSelected()).isFalse();
    }

    @Test
    void todosCanBeManagedFromTheKeyboardAlone() {
        signInThroughThePage(identities.newCaller("Keys"));
        var keyboard = new Actions(browser.driver());
        browser.await("the new-todo field to have focus", d -> "new-todo".equals(activeElementId()));
        keyboard.sendKeys("Typed, not clicked" + Keys.ENTER).perform();
        browser.await("the todo", d -> todoTitles().equals(List.of("Typed, not clicked")));

        tabUntil("the todo's checkbox", "input[type=checkbox]");
        keyboard.sendKeys(Keys.SPACE).perform();
        browser.await("the todo to be done", d -> todo("Typed, not clicked").getAttribute("class").contains("done"));

        tabUntil("the Edit button", "button[data-focus=edit]");
        keyboard.sendKeys(Keys.ENTER).perform();
        browser.await("the title editor to have focus", d -> (Boolean) browser.script(
                "return document.activeElement.classList.contains('edit')"));
        keyboard.keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL).sendKeys("Typed and edited" + Keys.ENTER)
                .perform();
        browser.await("the edited title", d -> todoTitles().equals(List.of("Typed and edited")));
        assertThat(browser.script("return document.activeElement.textContent")).isEqualTo("Edit");
    }

    @Test
    void everyControlHasALabelAndNarrowScreensNeedNoSidewaysScrolling() {
        signInThroughThePage(identities.newCaller("Label"));
        addTodo("Something");
        for (String view : List.of("#/todos", "#/books", "#/books/book_00000000000000000000000002", "#/sign-in")) {
            browser.open(server.uri("/" + view));
            browser.visible(By.cssSelector("main h1"));
            assertThat(browser.script("""
                    return [...document.querySelectorAll('input, select, textarea')]
                        .filter(c => c.labels.length === 0 && !c.getAttribute('aria-label')
                            && !c.getAttribute('aria-labelledby'))
                        .map(c => c.outerHTML)""")).as("unlabelled controls on %s", view).asList().isEmpty();
            browser.resize(360, 740);
            assertThat((Long) browser.script("return document.documentElement.scrollWidth")).as("width of %s", view)
                    .isLessThanOrEqualTo(360L);
            browser.resize(1280, 900);
        }
    }

    private void signInThroughThePage(Identities.Caller caller) {
        browser.open(server.uri("/#/sign-in"));
        signIn(caller.email(), Identities.PASSWORD);
        browser.showing(By.id("account"), "Signed in as");
    }

    private void signUp(String name, String email, String password) {
        browser.visible(By.id("sign-up-name")).sendKeys(name);
        browser.visible(By.id("sign-up-email")).sendKeys(email);
        browser.visible(By.id("sign-up-password")).sendKeys(password);
        browser.visible(button("Create account")).click();
    }

    private void signIn(String email, String password) {
        browser.visible(By.id("sign-in-email")).sendKeys(email);
        browser.visible(By.id("sign-in-password")).sendKeys(password + Keys.ENTER);
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

    private String activeElementId() {
        return (String) browser.script("return document.activeElement.id");
    }

    /** Presses Tab until the focused element matches {@code selector}, as a keyboard user would. */
    private void tabUntil(String what, String selector) {
        for (int presses = 0; presses < 12; presses++) {
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            if ((Boolean) browser.script("return document.activeElement.matches(arguments[0])", selector)) {
                return;
            }
        }
        throw new AssertionError(what + " cannot be reached with Tab");
    }

    private String token() {
        return (String) browser.script("return sessionStorage.getItem('quire.token')");
    }

    private List<com.fasterxml.jackson.databind.JsonNode> apiTodos() {
        var items = http.request("GET", "/api/todos").header("Authorization", "Bearer " + token()).send().json()
                .path("items");
        var todos = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        items.forEach(todos::add);
        return todos;
    }
}
