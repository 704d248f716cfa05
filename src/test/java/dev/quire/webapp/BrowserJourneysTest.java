package dev.quire.webapp;

import static dev.quire.support.Browser.button;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TodoPages;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
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
 * (H2, with the demo catalogue), every step through the page's own controls. Every form the page has is
 * submitted by a journey here, and what it stored is then read back through the API; the API is otherwise used
 * only to change something behind the page's back. The screenshots in docs/screenshots/ come from
 * {@link #aPhoneAndADesktopEachGetALayoutThatFits} (target/screenshots/ after every run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserJourneysTest {
    private static final String XSS = "<img src=x onerror=alert(1)>";
    private static final String DUNE = "book_00000000000000000000000001";
    private static final String BOOK_2 = "book_00000000000000000000000002";
    private static final String DESCRIPTION = "Shevek crosses from an anarchist moon to its capitalist planet.\n"
            + "An ambiguous utopia.";

    /** One Chromium for the class (seconds saved per journey), a fresh tab with its own sessionStorage for each. */
    @RegisterExtension
    static final Browser browser = Browser.sharedByTheClass();

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

    // ---- accounts: sign up, sign in, sign out, the account page, a session that ends elsewhere ----

    @Test
    void theFirstScreenSaysWhatQuireIsAndSigningUpSignsTheNewAccountIn() {
        String email = Identities.uniqueEmail("grace");
        browser.open(server.uri("/"));
        var welcome = browser.visible(By.cssSelector("main .welcome"));
        assertThat(welcome.findElement(By.cssSelector("p")).getText())
                .isEqualTo("Quire keeps your todo list, and a shared catalogue of books that everyone can search and review.");
        assertThat(welcome.findElement(By.linkText("Sign in")).isDisplayed()).isTrue();
        welcome.findElement(By.linkText("Create an account")).click();

        browser.visible(By.id("sign-up-name")).sendKeys("Grace Hopper");
        browser.visible(By.id("sign-up-email")).sendKeys(email);
        browser.visible(By.id("sign-up-password")).sendKeys(Identities.PASSWORD);
        browser.visible(button("Create account")).click();

        browser.showing(By.id("account"), "Signed in as Grace Hopper");
        browser.showing(By.id("status"), "Welcome to Quire, Grace Hopper.");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/todos");
        browser.visible(By.id("new-todo"));
        var me = http.request("GET", "/api/accounts/me").header("Authorization", "Bearer " + token()).send();
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("email").asText()).isEqualTo(email);
        assertThat(me.json().path("displayName").asText()).isEqualTo("Grace Hopper");
    }

    @Test
    void signInSaysAWrongPasswordNextToTheFormThenSignsInStaysOnReloadAndSignsOut() {
        var ada = identities.newCaller("Ada");
        browser.open(server.uri("/#/sign-in"));
        signIn(ada.email(), "not the password at all");
        var refused = browser.visible(By.cssSelector("form[aria-labelledby=sign-in-title] .outcome [role=alert]"));
        assertThat(refused.getText()).isNotBlank();
        assertThat(inViewport(refused)).isTrue();
        assertThat(topError()).isEmpty();

        browser.visible(By.id("sign-in-password")).clear();
        browser.visible(By.id("sign-in-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Ada");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/todos");
        String token = token();
        assertThat(http.request("GET", "/api/sessions/me").header("Authorization", "Bearer " + token).send().json()
                .path("accountId").asText()).isEqualTo(ada.accountId());

        browser.driver().navigate().refresh();
        browser.showing(By.id("account"), "Signed in as Ada");

        browser.visible(button("Sign out")).click();
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
        browser.showing(By.id("status"), "Signed out.");
        assertThat(token()).isNull();
        assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + token).send().status())
                .as("the token the page signed out with").isEqualTo(401);
    }

    @Test
    void theAccountPageChangesTheDisplayNameAndThePasswordAndSignsOutEverywhere() {
        var lin = identities.newCaller("Lin");
        signInThroughThePage(lin);
        browser.visible(By.cssSelector("#account a.who")).click();
        browser.showing(By.cssSelector("main h1"), "Your account");

        var name = browser.visible(By.id("account-name"));
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Lin Wei");
        browser.visible(button("Save display name")).click();
        browser.showing(By.cssSelector("form[aria-labelledby=name-title] .outcome"), "Others now see you as “Lin Wei”.");
        browser.showing(By.id("account"), "Signed in as Lin Wei");
        assertThat(me(token()).path("displayName").asText()).isEqualTo("Lin Wei");

        String newPassword = "a brand new passphrase for lin";
        changePassword("not my password", newPassword, newPassword);
        assertSaidOnceUnder("account-current-password", "Current password is not this account's password");
        changePassword(Identities.PASSWORD, newPassword, newPassword + "!");
        assertSaidOnceUnder("account-repeat-password", "New password again does not match the new password");
        changePassword(Identities.PASSWORD, newPassword, newPassword);
        browser.showing(By.cssSelector("form[aria-labelledby=password-title] .outcome"), "Password changed.");
        assertThat(identities.signIn(lin.email(), newPassword).status()).isEqualTo(201);
        assertThat(identities.signIn(lin.email(), Identities.PASSWORD).status()).isEqualTo(401);
        assertThat(http.request("GET", "/api/todos").header("Authorization", lin.bearer()).send().status())
                .as("the session that was not the page's").isEqualTo(401);

        String pageToken = token();
        String otherToken = identities.signIn(lin.email(), newPassword).json().path("token").asText();
        browser.visible(button("Sign out everywhere")).click();
        browser.showing(By.id("status"), "Signed out on every device.");
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
        for (String ended : List.of(pageToken, otherToken)) {
            assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + ended).send().status())
                    .isEqualTo(401);
        }
    }

    @Test
    void aSessionThatEndedElsewhereSaysSoKeepsWhatWasTypedAndCarriesOnAfterSigningInAgain() {
        var sam = identities.newCaller("Sam");
        signInThroughThePage(sam);
        browser.open(server.uri("/#/books/" + BOOK_2));
        new Select(browser.visible(By.id("review-rating"))).selectByValue("3");
        browser.visible(By.id("review-text")).sendKeys("Typed before the session ended.");
        // signed out everywhere on another device
        assertThat(http.request("DELETE", "/api/sessions").header("Authorization", sam.bearer()).send().status())
                .isEqualTo(204);

        browser.visible(button("Post review")).click();
        var said = browser.showing(By.cssSelector(".reviews-section form .outcome"), "Your session has ended; sign in again.");
        assertThat(inViewport(said)).isTrue();
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
        assertThat(browser.visible(By.id("review-text")).getDomProperty("value")).isEqualTo("Typed before the session ended.");

        browser.visible(button("Sign in again")).click();
        var password = browser.visible(By.id("again-password"));
        assertThat(browser.visible(By.id("again-email")).getDomProperty("value")).isEqualTo(sam.email());
        password.sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Sam");
        browser.showing(By.cssSelector(".reviews-section form .outcome"), "You are signed in again.");
        assertThat(browser.driver().findElements(By.cssSelector("dialog"))).isEmpty();
        assertThat(browser.visible(By.id("review-text")).getDomProperty("value")).isEqualTo("Typed before the session ended.");
        assertThat(new Select(browser.visible(By.id("review-rating"))).getFirstSelectedOption().getText()).startsWith("3");

        browser.visible(button("Post review")).click();
        browser.showing(By.cssSelector(".reviews"), "Typed before the session ended.");
        var reviews = http.get("/api/books/" + BOOK_2 + "/reviews").json().path("items");
        assertThat(reviews).hasSize(1);
        assertThat(reviews.get(0).path("text").asText()).isEqualTo("Typed before the session ended.");
        assertThat(reviews.get(0).path("rating").asInt()).isEqualTo(3);

        // a session that expired while the tab was away is said at the top of the next load
        assertThat(http.request("DELETE", "/api/sessions").header("Authorization", "Bearer " + token()).send().status())
                .isEqualTo(204);
        browser.driver().navigate().refresh();
        browser.showing(By.id("status"), "Your session has ended; sign in again.");
        browser.visible(By.cssSelector("header a[href='#/sign-in']"));
    }

    // ---- todos: add, toggle, edit, delete, clear completed, load more ----

    @Test
    void todosAreAddedTickedOffEditedDeletedAndClearedAndTheCountOfWhatIsLeftFollows() {
        var caller = identities.newCaller("Tess");
        signInThroughThePage(caller);
        browser.showing(By.cssSelector(".todo-side .count"), "0 items left");
        for (String title : List.of("Buy milk", "Walk the dog", "Call mum")) {
            addTodo(title);
        }
        assertThat(todoTitles()).containsExactly("Buy milk", "Walk the dog", "Call mum");
        assertThat(storedTodos(caller)).containsExactly("Buy milk", "Walk the dog", "Call mum");
        browser.showing(By.cssSelector(".todo-side .count"), "3 items left");

        todo("Walk the dog").findElement(By.cssSelector("input[type=checkbox]")).click();
        browser.await("the todo to show as done", d -> todo("Walk the dog").getAttribute("class").contains("done"));
        browser.showing(By.cssSelector(".todo-side .count"), "2 items left");
        assertThat(TodoPages.all(http, caller).stream().filter(t -> t.path("completed").asBoolean())
                .map(t -> t.path("title").asText())).containsExactly("Walk the dog");

        browser.visible(button("Active")).click();
        browser.await("only active todos", d -> todoTitles().equals(List.of("Buy milk", "Call mum")));
        browser.visible(button("Completed")).click();
        browser.await("only completed todos", d -> todoTitles().equals(List.of("Walk the dog")));
        browser.driver().navigate().refresh();
        browser.await("the same filter after a reload", d -> todoTitles().equals(List.of("Walk the dog")));
        browser.visible(button("All")).click();
        browser.await("all todos", d -> todoTitles().size() == 3);

        todo("Call mum").findElement(By.xpath(".//button[normalize-space(.)='Edit']")).click();
        browser.visible(By.cssSelector(".todo-list input.edit"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), "Call mum and dad" + Keys.ENTER);
        browser.await("the new title", d -> todoTitles().contains("Call mum and dad"));
        assertThat(storedTodos(caller)).containsExactly("Buy milk", "Walk the dog", "Call mum and dad");

        todo("Buy milk").findElement(By.xpath(".//button[normalize-space(.)='Delete']")).click();
        browser.showing(By.cssSelector(".todo-main .outcome"), "Deleted “Buy milk”.");
        browser.showing(By.cssSelector(".todo-side .count"), "1 item left");
        assertThat(storedTodos(caller)).containsExactly("Walk the dog", "Call mum and dad");

        browser.visible(button("Clear completed")).click();
        browser.showing(By.cssSelector(".todo-side .outcome"), "Cleared the completed todos.");
        browser.await("the completed todo gone", d -> todoTitles().equals(List.of("Call mum and dad")));
        assertThat(storedTodos(caller)).containsExactly("Call mum and dad");
        browser.showing(By.cssSelector(".todo-side .count"), "1 item left");
    }

    @Test
    void loadMoreShowsTheTodosPastTheFirstPage() {
        var caller = identities.newCaller("Many");
        IntStream.rangeClosed(1, 53).forEach(n -> http.request("POST", "/api/todos")
                .header("Authorization", caller.bearer()).json("{\"title\":\"Todo " + n + "\"}").send());
        signInThroughThePage(caller);
        browser.await("the first page of todos", d -> todoTitles().size() == 50);
        browser.showing(By.cssSelector(".todo-side .count"), "53 items left");

        browser.visible(button("Load more")).click();
        browser.await("every todo", d -> todoTitles().size() == 53);
        assertThat(todoTitles()).isEqualTo(storedTodos(caller));
        assertThat(browser.driver().findElements(button("Load more")).stream().noneMatch(WebElement::isDisplayed))
                .as("no more to load").isTrue();
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
    void todosCanBeManagedFromTheKeyboardAlone() {
        signInThroughThePage(identities.newCaller("Keys"));
        var keyboard = new Actions(browser.driver());
        browser.await("the new-todo field to have focus", d -> "new-todo".equals(activeElementId()));
        keyboard.sendKeys("Typed, not clicked" + Keys.ENTER).perform();
        browser.await("the todo", d -> todoTitles().equals(List.of("Typed, not clicked")));
        assertThat(activeElementId()).as("focus after adding").isEqualTo("new-todo");

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

    // ---- books: the filters, add, edit, delete; reviews: add, delete ----

    @Test
    void aBookIsAddedEditedAndDeletedThroughItsForms() {
        var owner = identities.newCaller("Ursula");
        signInThroughThePage(owner);
        String catalogue = bookCount();
        browser.open(server.uri("/#/books"));
        browser.showing(By.cssSelector(".summary"), catalogue);
        browser.visible(By.cssSelector(".add-book summary")).click();
        browser.visible(By.id("new-book-title")).sendKeys("The Dispossessed");
        browser.visible(By.id("new-book-author")).sendKeys("Ursula K. Le Guin");
        browser.visible(By.id("new-book-year")).sendKeys("1974");
        // the genre is chosen from the catalogue's list (GET api/genres), which arrives after the form
        browser.visible(By.cssSelector("#new-book-genre[data-loaded='true']"));
        new Select(browser.visible(By.id("new-book-genre"))).selectByVisibleText("Science fiction");
        browser.visible(By.id("new-book-description")).sendKeys(DESCRIPTION);
        browser.visible(button("Add book")).click();

        browser.showing(By.cssSelector("main h1"), "The Dispossessed");
        browser.showing(By.id("status"), "Added “The Dispossessed”.");
        String path = "/api/books/" + browser.driver().getCurrentUrl().replaceAll(".*#/books/", "");
        var added = http.get(path).json();
        assertThat(added.path("title").asText()).isEqualTo("The Dispossessed");
        assertThat(added.path("author").asText()).isEqualTo("Ursula K. Le Guin");
        assertThat(added.path("year").isInt()).as("the year is sent as a number").isTrue();
        assertThat(added.path("year").asInt()).isEqualTo(1974);
        assertThat(added.path("genre").asText()).isEqualTo("Science fiction");
        assertThat(added.path("description").asText()).as("line breaks kept").isEqualTo(DESCRIPTION);
        assertThat(added.path("isbn").isNull()).isTrue();
        assertThat(browser.visible(By.id("book-description")).getText()).isEqualTo(DESCRIPTION);
        assertThat(added.path("createdBy").asText()).isEqualTo(owner.accountId());

        browser.visible(button("Edit book")).click();
        var title = browser.visible(By.id("edit-book-title"));
        assertThat(title.getDomProperty("value")).isEqualTo("The Dispossessed");
        browser.visible(By.cssSelector("#edit-book-genre[data-loaded='true']"));
        assertThat(new Select(browser.visible(By.id("edit-book-genre"))).getFirstSelectedOption().getText())
                .isEqualTo("Science fiction");
        assertThat(browser.visible(By.id("edit-book-description")).getDomProperty("value")).isEqualTo(DESCRIPTION);
        title.sendKeys(Keys.chord(Keys.CONTROL, "a"), "The Dispossessed: An Ambiguous Utopia");
        browser.visible(By.id("edit-book-isbn")).sendKeys("0-306-40615-2");
        browser.visible(button("Save")).click();
        var saved = browser.showing(By.cssSelector(".book-detail .outcome"), "Saved “The Dispossessed: An Ambiguous Utopia”.");
        assertThat(inViewport(saved)).isTrue();
        browser.showing(By.cssSelector("main h1"), "The Dispossessed: An Ambiguous Utopia");
        var edited = http.get(path).json();
        assertThat(edited.path("title").asText()).isEqualTo("The Dispossessed: An Ambiguous Utopia");
        assertThat(edited.path("isbn").asText()).as("kept as ISBN-13").isEqualTo("9780306406157");
        assertThat(edited.path("year").asInt()).isEqualTo(1974);
        assertThat(edited.path("genre").asText()).as("kept by the edit form").isEqualTo("Science fiction");
        assertThat(edited.path("description").asText()).as("kept by the edit form").isEqualTo(DESCRIPTION);
        assertThat(edited.path("version").asInt()).isEqualTo(2);

        browser.visible(button("Delete book")).click();
        browser.visible(button("Yes, delete it")).click();
        browser.showing(By.id("status"), "Deleted “The Dispossessed: An Ambiguous Utopia”.");
        browser.showing(By.cssSelector(".summary"), catalogue);
        assertThat(http.get(path).status()).isEqualTo(404);
    }

    @Test
    void aFieldErrorIsSaidOnceUnderItsFieldByItsLabelAndWhatWasTypedStays() {
        var yuri = identities.newCaller("Yuri");
        signInThroughThePage(yuri);
        browser.open(server.uri("/#/books"));
        browser.visible(By.cssSelector(".add-book summary")).click();
        browser.visible(By.id("new-book-title")).sendKeys("From the future");
        browser.visible(By.id("new-book-author")).sendKeys("Someone");
        browser.visible(By.id("new-book-year")).sendKeys("3000");
        browser.visible(button("Add book")).click();

        assertSaidOnceUnder("new-book-year", "Year must be a whole number from");
        assertThat(activeElementId()).isEqualTo("new-book-year");
        assertThat(browser.visible(By.id("new-book-title")).getDomProperty("value")).isEqualTo("From the future");
        assertThat(topError()).isEmpty();

        browser.visible(By.id("new-book-year")).sendKeys(Keys.chord(Keys.CONTROL, "a"), "2001" + Keys.ENTER);
        browser.showing(By.cssSelector("main h1"), "From the future");
        String path = "/api/books/" + browser.driver().getCurrentUrl().replaceAll(".*#/books/", "");
        assertThat(http.get(path).json().path("year").asInt()).isEqualTo(2001);
        // the catalogue as it was, for the other journeys' screenshots
        assertThat(http.request("DELETE", path).header("Authorization", yuri.bearer()).send().status()).isEqualTo(204);

        // a refused filter is said under the filter, in its label's words, and unfolded on a phone
        browser.resize(360, 740);
        browser.open(server.uri("/#/books?year_min=2000&year_max=1900"));
        assertSaidOnceUnder("book-year-min", "Year from must not be greater than Year to");
        assertThat((String) browser.script("return document.body.innerText")).doesNotContain("year_min", "year_max");
    }

    @Test
    void theSignUpFormSaysAnEmailIsTakenNextToIt() {
        var taken = identities.newCaller("Taken");
        browser.open(server.uri("/#/sign-up"));
        browser.visible(By.id("sign-up-name")).sendKeys("Someone Else");
        browser.visible(By.id("sign-up-email")).sendKeys(taken.email());
        browser.visible(By.id("sign-up-password")).sendKeys("another fine passphrase");
        browser.visible(button("Create account")).click();

        var error = browser.visible(By.cssSelector("form[aria-labelledby=sign-up-title] .outcome [role=alert]"));
        assertThat(error.getText()).contains("already exists");
        assertThat(inViewport(error)).isTrue();
        assertThat(topError()).isEmpty();
        assertThat(browser.visible(By.id("sign-up-name")).getDomProperty("value")).isEqualTo("Someone Else");
    }

    @Test
    void browseSearchOpenABookSignInAndAddAndDeleteAReview() {
        var reader = identities.newCaller("Octavia");
        browser.open(server.uri("/#/books"));
        browser.showing(By.cssSelector(".summary"), "Page 1 of 3 " + bookCount());

        browser.visible(By.id("book-q")).sendKeys("dune" + Keys.ENTER);
        browser.showing(By.cssSelector(".summary"), "Page 1 of 1 (1 book)");
        // a filter of blanks is no filter: the page leaves it out (the API refuses an empty or blank one)
        browser.visible(By.id("book-author")).sendKeys("   ");
        browser.visible(By.id("book-q")).sendKeys(Keys.BACK_SPACE, Keys.ENTER);
        browser.await("the search without the blank author", d -> d.getCurrentUrl().endsWith("#/books?q=dun"));
        browser.showing(By.cssSelector(".summary"), "Page 1 of 1 (1 book)");
        assertThat(topError()).isEmpty();
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
        browser.showing(By.cssSelector(".reviews-section .outcome"), "Thank you for your review.");
        browser.showing(By.cssSelector(".reviews"), "Spice, sand and politics.");
        var reviews = http.get("/api/books/" + DUNE + "/reviews").json().path("items");
        assertThat(reviews).hasSize(1);
        assertThat(reviews.get(0).path("rating").asInt()).isEqualTo(4);
        assertThat(reviews.get(0).path("text").asText()).isEqualTo("Spice, sand and politics.");
        assertThat(reviews.get(0).path("authorId").asText()).isEqualTo(reader.accountId());

        browser.visible(button("Delete my review")).click();
        browser.showing(By.id("book-rating"), "No reviews yet");
        browser.showing(By.cssSelector(".reviews-section .outcome"), "Deleted your review.");
        assertThat(http.get("/api/books/" + DUNE + "/reviews").json().path("total").asInt()).isZero();
        assertThat(http.get("/api/books/" + DUNE).json().path("rating").path("count").asInt()).isZero();
    }

    // ---- every view: labels, widths, layout, screenshots ----

    @Test
    void everyControlHasALabelAndNarrowScreensNeedNoSidewaysScrolling() {
        signInThroughThePage(identities.newCaller("Label"));
        addTodo("Something");
        for (String view : List.of("#/todos", "#/books", "#/books/" + BOOK_2, "#/account", "#/sign-in", "#/sign-up")) {
            browser.resize(1280, 800);
            browser.open(server.uri("/" + view));
            browser.visible(By.cssSelector("main h1"));
            assertThat(browser.script("""
                    return [...document.querySelectorAll('input, select, textarea')]
                        .filter(c => c.labels.length === 0 && !c.getAttribute('aria-label')
                            && !c.getAttribute('aria-labelledby'))
                        .map(c => c.outerHTML)""")).as("unlabelled controls on %s", view).asList().isEmpty();
            browser.resize(360, 740);
            assertThat(sidewaysOverflow()).as("width of %s", view).isZero();
            assertThat(headerRows()).as("rows of the header on %s at 360 px", view).isEqualTo(1);
        }
        browser.open(server.uri("/#/account"));
        browser.visible(button("Sign out")).click(); // on the account page: the header has no room for it on a phone
        for (String view : List.of("#/todos", "#/books", "#/books/" + BOOK_2, "#/sign-in", "#/sign-up")) {
            browser.open(server.uri("/" + view));
            browser.visible(By.cssSelector("header a[href='#/sign-in']"));
            assertThat(sidewaysOverflow())
                    .as("width of a visitor's %s", view).isZero();
            assertThat(headerRows()).as("rows of a visitor's header on %s at 360 px", view).isEqualTo(1);
        }
    }

    @Test
    void aPhoneAndADesktopEachGetALayoutThatFits() throws IOException {
        var caller = identities.newCaller("Margaret");
        for (String title : List.of("Review the landing checklist", "Write the restart protocol", "Book the simulator",
                "Read the Apollo 11 logs", "Answer the program alarm questions")) {
            http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                    .json("{\"title\":\"" + title + "\"}").send();
        }
        // the book page shows others' reviews, and the form for Margaret's own
        for (var review : List.of(Map.entry("Frank", "{\"rating\":5,\"text\":\"A favourite: read it twice.\"}"),
                Map.entry("Ada", "{\"rating\":4,\"text\":\"Slow to start, impossible to put down.\"}"))) {
            http.request("POST", "/api/books/" + DUNE + "/reviews")
                    .header("Authorization", identities.newCaller(review.getKey()).bearer()).json(review.getValue()).send();
        }
        signInThroughThePage(caller);
        todo("Book the simulator").findElement(By.cssSelector("input[type=checkbox]")).click();
        browser.showing(By.cssSelector(".todo-side .count"), "4 items left");

        for (var size : List.of(Map.entry(360, 740), Map.entry(1280, 800))) {
            int width = size.getKey();
            browser.resize(width, size.getValue());
            String suffix = "-" + width + "x" + size.getValue();
            boolean phone = width == 360;

            browser.open(server.uri("/#/todos"));
            browser.await("the todos", d -> todoTitles().size() == 5);
            browser.showing(By.cssSelector(".todo-side .count"), "4 items left");
            assertThat(headerRows()).isEqualTo(1);
            assertThat(besideEachOther(".todo-main", ".todo-side")).as("the list's controls beside it").isEqualTo(!phone);
            browser.screenshot("todos" + suffix);

            browser.open(server.uri("/#/books"));
            browser.showing(By.cssSelector(".summary"), bookCount());
            assertThat(browser.visible(By.id("book-q")).isDisplayed()).isTrue();
            var toggle = browser.driver().findElement(By.cssSelector(".filters-toggle"));
            assertThat(toggle.isDisplayed()).as("the Filters button").isEqualTo(phone);
            assertThat(browser.driver().findElement(By.id("book-author")).isDisplayed()).as("the author filter").isEqualTo(!phone);
            assertThat(besideEachOther(".books-results", ".filters-form")).as("filters beside the list").isEqualTo(!phone);
            assertThat(inViewport(browser.visible(By.cssSelector(".book-list li:nth-child(3)"))))
                    .as("results above the fold").isTrue();
            browser.screenshot("books" + suffix);
            if (phone) {
                toggle.click();
                browser.visible(By.id("book-author"));
                assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
            }

            browser.open(server.uri("/#/books/" + DUNE));
            browser.showing(By.cssSelector(".reviews"), "A favourite: read it twice.");
            browser.visible(By.id("review-rating"));
            assertThat(besideEachOther(".reviews-section", ".book-detail")).as("reviews beside the book").isEqualTo(!phone);
            browser.screenshot("book" + suffix);
        }
    }

    // ---- helpers ----

    private void signInThroughThePage(Identities.Caller caller) {
        browser.open(server.uri("/#/sign-in"));
        signIn(caller.email(), Identities.PASSWORD);
        browser.showing(By.id("account"), "Signed in as");
    }

    private void signIn(String email, String password) {
        browser.visible(By.id("sign-in-email")).sendKeys(email);
        browser.visible(By.id("sign-in-password")).sendKeys(password + Keys.ENTER);
    }

    private void changePassword(String current, String next, String repeated) {
        for (var entry : Map.of("account-current-password", current, "account-new-password", next,
                "account-repeat-password", repeated).entrySet()) {
            var input = browser.visible(By.id(entry.getKey()));
            input.clear();
            input.sendKeys(entry.getValue());
        }
        browser.visible(button("Change password")).click();
    }

    /**
     * The error is under the control {@code id} names, said there and nowhere else on the page, in view, and tied
     * to the control (aria-invalid, aria-describedby) so that a screen reader reads it with the field.
     */
    private void assertSaidOnceUnder(String id, String text) {
        var message = browser.showing(By.id(id + "-error"), text);
        var control = browser.driver().findElement(By.id(id));
        assertThat(control.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(control.getAttribute("aria-describedby")).contains(id + "-error");
        assertThat(inViewport(message)).as("the error in view").isTrue();
        String page = (String) browser.script("return document.body.innerText");
        assertThat(page.split(java.util.regex.Pattern.quote(text), -1).length - 1).as("times said: " + text).isEqualTo(1);
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

    private List<String> storedTodos(Identities.Caller caller) {
        return TodoPages.all(http, caller).stream().map(todo -> todo.path("title").asText()).toList();
    }

    private WebElement todo(String title) {
        return browser.driver().findElements(By.cssSelector(".todo-list li")).stream()
                .filter(li -> !li.findElements(By.cssSelector(".title")).isEmpty()
                        && li.findElement(By.cssSelector(".title")).getText().equals(title))
                .findFirst().orElseThrow(() -> new AssertionError("no todo titled " + title + " in " + todoTitles()));
    }

    /** "(54 books)": the catalogue's size as the list's summary says it (other journeys add books). */
    private String bookCount() {
        return "(" + http.get("/api/books").json().path("total").asInt() + " books)";
    }

    private JsonNode me(String token) {
        return http.request("GET", "/api/accounts/me").header("Authorization", "Bearer " + token).send().json();
    }

    private List<WebElement> topError() {
        return browser.driver().findElements(By.cssSelector("#error:not([hidden])"));
    }

    private boolean inViewport(WebElement element) {
        return (Boolean) browser.script("""
                const box = arguments[0].getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0""", element);
    }

    /** How far the page reaches past the viewport's right edge (0: nothing to scroll sideways to). */
    private long sidewaysOverflow() {
        return (Long) browser.script("""
                const page = document.documentElement;
                return page.scrollWidth - page.clientWidth""");
    }

    /** How many rows the header's parts (brand, each link, the account) take. */
    private long headerRows() {
        return (Long) browser.script("""
                const parts = [...document.querySelectorAll('header .brand, header .nav a, header .account > *')]
                    .filter(e => e.getClientRects().length > 0);
                const boxes = parts.map(e => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
                let rows = 0;
                let bottom = -Infinity;
                for (const box of boxes) {
                    if (box.top >= bottom - 1) {
                        rows++;
                    }
                    bottom = Math.max(box.top >= bottom - 1 ? -Infinity : bottom, box.bottom);
                }
                return rows""");
    }

    /** Whether the two elements sit side by side (the second entirely to one side of the first). */
    private boolean besideEachOther(String first, String second) {
        return (Boolean) browser.script("""
                const a = document.querySelector(arguments[0]).getBoundingClientRect();
                const b = document.querySelector(arguments[1]).getBoundingClientRect();
                return b.right <= a.left || b.left >= a.right""", first, second);
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
}
