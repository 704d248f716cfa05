package dev.quire.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
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
import org.openqa.selenium.support.ui.Select;

/**
 * The books page's search in real headless Chromium against the real application (H2 and its search engine, the
 * demo catalogue): results that follow the search box as it is typed in, the newest answer winning over an older
 * one that comes late, the matched words marked (as text), "did you mean" for a typo, genre chips whose counts are
 * the API's facet counts. docs/screenshots/books-search-1280x800.png comes from
 * {@link #aTypoSaysDidYouMeanAndTheCorrectionSearchesForItself}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BookSearchBrowserTest {
    private static final String XSS_TITLE = "<img src=x onerror=alert(1)> Messiah";

    @RegisterExtension
    static final Browser browser = Browser.sharedByTheClass();

    TestServer server;
    Http http;

    @BeforeAll
    void startServer() {
        server = TestServer.builder(TestDatabase.h2()).setting("QUIRE_DEMO_DATA", "true").start();
        http = new Http(server);
        // a title with markup in it, found by a search: it is marked as text and never runs
        var owner = new Identities(http).newCaller("Mallory");
        assertThat(http.request("POST", "/api/books").header("Authorization", owner.bearer())
                .json("{\"title\":\"<img src=x onerror=alert(1)> Messiah\",\"author\":\"Mallory Markup\"}")
                .send().status()).isEqualTo(201);
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
    void typingSearchesWithoutEnterAndANewerAnswerIsNeverReplacedByAnOlderOne() {
        browser.open(server.uri("/#/books"));
        browser.showing(By.cssSelector(".summary"), "(" + http.get("/api/books").json().path("total").asInt() + " books)");
        // the answer to the search for "dune" comes late: after the one for "hobbit", typed after it
        browser.script("""
                const original = window.fetch;
                window.fetch = async (input, init = {}) => {
                    const url = new URL(String(input), location.href);
                    if (url.pathname.endsWith('/api/books') && url.searchParams.get('q') === 'dune') {
                        window.duneAsked = true;
                        const {signal, ...unabortable} = init;
                        const response = await original(input, unabortable);
                        await new Promise(resolve => setTimeout(resolve, 1500));
                        window.duneAnswered = true;
                        return response;
                    }
                    return original(input, init);
                };""");
        var box = browser.visible(By.id("book-q"));
        box.sendKeys("dune");
        browser.await("the search for dune to be asked", d -> Boolean.TRUE.equals(browser.script("return window.duneAsked")));
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), "hobbit");

        var hobbit = apiTitles("/api/books?q=hobbit");
        assertThat(hobbit).as("the best match first").startsWith("The Hobbit").doesNotContain("Dune");
        browser.await("the results for hobbit", d -> titles().equals(hobbit));
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/books?q=hobbit");
        browser.await("the late answer for dune", d -> Boolean.TRUE.equals(browser.script("return window.duneAnswered")));
        browser.script("return new Promise(resolve => setTimeout(resolve, 300))");
        assertThat(titles()).as("after the older answer came").isEqualTo(hobbit);
        assertThat(browser.visible(By.cssSelector(".summary")).getText())
                .isEqualTo("Page 1 of 1 (" + hobbit.size() + (hobbit.size() == 1 ? " book)" : " books)"));
        assertThat(browser.script("return document.activeElement.id")).as("focus stays in the search box").isEqualTo("book-q");
        assertThat(box.getDomProperty("value")).isEqualTo("hobbit");
        assertThat(marks(".book-title")).containsExactly("Hobbit");
        assertThat(new Select(browser.visible(By.id("book-sort"))).getFirstSelectedOption().getText())
                .as("with a search, the best matches first").isEqualTo("Best match");

        // the matched words of the author too; the order can still be chosen, and takes effect at once
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), "tolkien");
        var tolkien = apiTitles("/api/books?q=tolkien");
        assertThat(tolkien).contains("The Hobbit", "The Lord of the Rings");
        // (keys typed slowly on a busy machine may search for a part of the word first: the list settles on the
        // whole word's answer)
        browser.await("Tolkien's books, his name marked", d -> titles().equals(tolkien)
                && marks(".by").equals(List.of("Tolkien", "Tolkien")));
        var newest = apiTitles("/api/books?q=tolkien&sort=-year");
        var oldest = apiTitles("/api/books?q=tolkien&sort=year");
        assertThat(newest).isNotEqualTo(oldest);
        new Select(browser.visible(By.id("book-sort"))).selectByVisibleText("Newest first");
        browser.await("newest first", d -> titles().equals(newest));
        new Select(browser.visible(By.id("book-sort"))).selectByVisibleText("Oldest first");
        browser.await("oldest first", d -> titles().equals(oldest));
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/books?q=tolkien&sort=year");
        browser.driver().navigate().back();
        browser.await("back to newest first", d -> titles().equals(newest));

        // markup in a title is shown as text, the matched word marked around it
        browser.open(server.uri("/#/books"));
        browser.visible(By.id("book-q")).sendKeys("messiah");
        var messiah = apiTitles("/api/books?q=messiah");
        assertThat(messiah).contains(XSS_TITLE);
        // (the list before the search has that book first too: its title sorts before the letters)
        browser.await("the book with markup in its title", d -> d.getCurrentUrl().endsWith("#/books?q=messiah")
                && titles().equals(messiah));
        assertThat(marks(".book-title")).containsExactly("Messiah");
        assertThat(browser.driver().findElements(By.cssSelector(".book-list img"))).isEmpty();
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void aTypoSaysDidYouMeanAndTheCorrectionSearchesForItself() throws IOException {
        browser.resize(1280, 800);
        browser.open(server.uri("/#/books"));
        browser.visible(By.id("book-q")).sendKeys("dnue");
        var said = browser.showing(By.cssSelector(".did-you-mean"), "Showing results for");
        assertThat(said.getText()).isEqualTo("No books match “dnue”. Showing results for “dune”.");
        assertThat(http.get("/api/books?q=dnue").json().path("didYouMean").asText()).isEqualTo("dune");
        browser.await("Dune among the results", d -> titles().contains("Dune"));
        assertThat(marks(".book-title")).as("the corrected word is the one marked").contains("Dune");
        browser.screenshot("books-search-1280x800");

        said.findElement(By.cssSelector("button")).click();
        browser.await("the search for the correction", d -> d.getCurrentUrl().endsWith("#/books?q=dune"));
        assertThat(browser.visible(By.id("book-q")).getDomProperty("value")).isEqualTo("dune");
        browser.await("no more did you mean", d -> d.findElements(By.cssSelector(".did-you-mean")).stream()
                .noneMatch(WebElement::isDisplayed));
        assertThat(titles()).containsExactlyElementsOf(apiTitles("/api/books?q=dune"));
    }

    @Test
    void genreChipsFilterAndCountWhatTheApiCounts() throws IOException {
        for (var size : List.of(Map.entry(1280, 800), Map.entry(360, 740))) {
            browser.resize(size.getKey(), size.getValue());
            browser.open(server.uri("/#/books"));
            int all = http.get("/api/books").json().path("total").asInt();
            browser.showing(By.cssSelector(".summary"), "(" + all + " books)");
            long scienceFiction = facetCount("/api/books?facets=genre", "science-fiction");
            assertThat(scienceFiction).isPositive();
            var chip = chip("science-fiction");
            assertThat(chip.getText()).isEqualTo("Science fiction (" + scienceFiction + ")");
            assertThat(chip.getAttribute("aria-pressed")).isEqualTo("false");
            browser.screenshot("books-search-chips-" + size.getKey() + "x" + size.getValue());

            chip.click();
            browser.await("the genre in the address", d -> d.getCurrentUrl().endsWith("#/books?genre=science-fiction"));
            browser.showing(By.cssSelector(".summary"), "(" + scienceFiction + " books)");
            browser.await("the chip pressed", d -> "true".equals(chip("science-fiction").getAttribute("aria-pressed")));
            assertThat(http.get("/api/books?genre=science-fiction").json().path("total").asLong()).isEqualTo(scienceFiction);
            assertThat(browser.driver().findElement(By.id("book-genre")).getDomProperty("value")).as("the genre filter")
                    .isEqualTo("science-fiction");
            // the other chips still count under the search and every filter but the genre
            assertThat(chip("fantasy").getText())
                    .isEqualTo("Fantasy (" + facetCount("/api/books?genre=science-fiction&facets=genre", "fantasy") + ")");

            chip("science-fiction").click();
            browser.await("the genre let go", d -> d.getCurrentUrl().endsWith("#/books"));
            browser.showing(By.cssSelector(".summary"), "(" + all + " books)");
            assertThat(chip("science-fiction").getAttribute("aria-pressed")).isEqualTo("false");
        }

        // the counts follow the search
        browser.resize(1280, 800);
        browser.open(server.uri("/#/books"));
        browser.visible(By.id("book-q")).sendKeys("herbert");
        long found = facetCount("/api/books?q=herbert&facets=genre", "science-fiction");
        browser.await("the chip's count for the search", d -> chip("science-fiction").getText()
                .equals("Science fiction (" + found + ")"));
        assertThat(found).isLessThan(facetCount("/api/books?facets=genre", "science-fiction"));

        // an alias in the address chooses the genre it stands for
        browser.open(server.uri("/#/books?genre=sci-fi"));
        browser.await("the chip pressed for an alias", d -> "true".equals(chip("science-fiction").getAttribute("aria-pressed")));
    }

    private List<String> titles() {
        return browser.driver().findElements(By.cssSelector(".book-list:not([hidden]) li .book-title")).stream()
                .map(WebElement::getText).toList();
    }

    private List<String> marks(String part) {
        return browser.driver().findElements(By.cssSelector(".book-list li " + part + " mark")).stream()
                .map(WebElement::getText).toList();
    }

    private List<String> apiTitles(String path) {
        return StreamSupport.stream(http.get(path).json().path("items").spliterator(), false)
                .map(book -> book.path("title").asText()).toList();
    }

    private WebElement chip(String slug) {
        return browser.visible(By.cssSelector(".genre-chips .chip[data-slug='" + slug + "']"));
    }

    private long facetCount(String path, String slug) {
        JsonNode genres = http.get(path).json().path("facets").path("genre");
        return StreamSupport.stream(genres.spliterator(), false).filter(genre -> genre.path("slug").asText().equals(slug))
                .mapToLong(genre -> genre.path("count").asLong()).findFirst().orElse(0);
    }
}
