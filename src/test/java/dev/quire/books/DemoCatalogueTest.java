package dev.quire.books;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new embedded database starts with the demo catalogue (PostgreSQL: see {@link DemoCataloguePostgresTest}). A
 * blank setting counts as unset: the default for the database applies.
 */
class DemoCatalogueTest {

    static List<String> seedBooks(JsonNode page) {
        var found = new ArrayList<String>();
        page.path("items").forEach(book -> found.add(book.path("title").asText() + " " + book.path("year").asInt()));
        return found;
    }

    @Test
    void everyDemoBookHasAValidUniqueIsbnADescriptionAndAGenreOfTheList() {
        var books = DemoCatalogue.books();

        assertThat(books).hasSize(54);
        var dune = books.get(0);
        assertThat(List.of(dune.id(), dune.title(), dune.author(), dune.year(), dune.genre()))
                .containsExactly(DemoCatalogue.id(1), "Dune", "Frank Herbert", 1965, "Science fiction");
        var isbns = new HashSet<String>();
        for (int i = 0; i < books.size(); i++) {
            var book = books.get(i);
            String name = "book " + (i + 1) + " (" + book.title() + ")";
            assertThat(book.id()).as(name).isEqualTo(DemoCatalogue.id(i + 1));
            assertThat(book.isbn()).as(name).isNotNull().hasSize(13);
            assertThat(Isbn.normalize(book.isbn())).as(name).contains(book.isbn());
            assertThat(isbns.add(book.isbn())).as(name + ": its ISBN is another book's").isTrue();
            assertThat(book.description()).as(name).isNotBlank().hasSizeLessThanOrEqualTo(2000);
            assertThat(Genres.find(book.genre()).map(Genres.Genre::name)).as(name).contains(book.genre());
        }
    }

    @Test
    void aNewH2DatabaseHasTheDemoCatalogueWhichNoOneCanChange() {
        try (var server = TestServer.builder(TestDatabase.h2()).setting("QUIRE_DEMO_DATA", "").start()) {
            var http = new Http(server);

            var all = http.get("/api/books?per_page=100").json();

            assertThat(all.path("total").asLong()).isGreaterThanOrEqualTo(50);
            assertThat(seedBooks(all)).contains("Dune 1965", "Neuromancer 1984", "Snow Crash 1992");
            var caller = new Identities(http).newCaller("vandal");
            var dune = http.get("/api/books?q=dune&author=frank%20herbert").json().path("items").get(0);
            var attempt = http.request("PUT", dune.path("_links").path("self").path("href").asText())
                    .header("Authorization", caller.bearer()).json("{\"title\":\"Mine\",\"author\":\"Me\"}").send();
            assertThat(attempt.status()).isEqualTo(403);
            assertThat(dune.path("createdBy").isNull()).isTrue();
        }
    }

    @Test
    void theCatalogueIsAddedOnceAndNotAgainOnTheNextStart() {
        var database = TestDatabase.h2();
        long first;
        try (var server = TestServer.builder(database).setting("QUIRE_DEMO_DATA", "true").start()) {
            first = new Http(server).get("/api/books").json().path("total").asLong();
        }
        try (var server = TestServer.builder(database).setting("QUIRE_DEMO_DATA", "true").start()) {
            var http = new Http(server);
            assertThat(http.get("/api/books").json().path("total").asLong()).isEqualTo(first).isEqualTo(54);
            // the demo books are searchable like any other: their words are indexed
            var dune = http.get("/api/books/book_00000000000000000000000001").json();
            assertThat(dune.path("title").asText()).isEqualTo("Dune");
            assertThat(dune.path("author").asText()).isEqualTo("Frank Herbert");
            assertThat(dune.path("isbn").asText()).isEqualTo("9780441172719");
            assertThat(dune.path("description").asText()).startsWith("On the desert planet Arrakis");
            // a word only its description has finds it
            assertThat(seedBooks(http.get("/api/books?q=arrakis").json())).containsExactly("Dune 1965");
            assertThat(http.get("/api/books?q=godel%20bach").json().path("items").get(0).path("title").asText())
                    .isEqualTo("Gödel, Escher, Bach");
        }
    }
}
