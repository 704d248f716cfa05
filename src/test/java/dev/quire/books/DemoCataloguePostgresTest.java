package dev.quire.books;

import static dev.quire.books.DemoCatalogueTest.seedBooks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import org.junit.jupiter.api.Test;

/** PostgreSQL starts without the demo catalogue unless QUIRE_DEMO_DATA=true (a blank setting counts as unset). */
class DemoCataloguePostgresTest {

    @Test
    void postgresqlStartsEmptyByDefault() {
        try (var server = TestServer.builder(TestDatabase.postgres()).setting("QUIRE_DEMO_DATA", "").start()) {
            assertThat(new Http(server).get("/api/books").json().path("total").asLong()).isZero();
        }
    }

    @Test
    void postgresqlHasTheDemoCatalogueWhenAskedFor() {
        try (var server = TestServer.builder(TestDatabase.postgres()).setting("QUIRE_DEMO_DATA", "true").start()) {
            var http = new Http(server);
            var all = http.get("/api/books?per_page=100").json();

            assertThat(all.path("total").asLong()).isGreaterThanOrEqualTo(50);
            assertThat(seedBooks(all)).contains("Dune 1965", "Neuromancer 1984", "Snow Crash 1992");
            var dune = http.get("/api/books/book_00000000000000000000000001").json();
            assertThat(dune.path("isbn").asText()).isEqualTo("9780441172719");
            assertThat(dune.path("description").asText()).startsWith("On the desert planet Arrakis");
            // a word only its description has finds it
            assertThat(seedBooks(http.get("/api/books?q=arrakis").json())).containsExactly("Dune 1965");
        }
    }
}
