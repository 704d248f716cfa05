package dev.quire.books;

import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.Problems.errorFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.support.Concurrently;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared catalogue over HTTP on the real application. Runs once per database (see the subclasses). A
 * fixture of six books, with a title word and authors unique to this run, gives every filter and sort a known
 * answer (genres are a controlled list, so a run cannot have a genre of its own). Search itself is
 * {@link BookSearchSuite}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BookApiSuite {
    TestServer server;
    Http http;
    Identities identities;
    Identities.Caller librarian;
    Identities.Caller reader;
    final String run = Long.toString(System.nanoTime(), 36);
    /** A word of letters only (stemming leaves it whole) that only the six fixture books have in their titles. */
    final String tag = "fixture" + letters(System.nanoTime());
    final String genre = "Essays";

    abstract TestDatabase database();

    @BeforeAll
    void startServer() {
        server = TestServer.builder(database()).start();
        http = new Http(server);
        identities = new Identities(http);
        librarian = identities.newCaller("librarian");
        reader = identities.newCaller("reader");
        var alpha = fixture("Alpha", "Ann Archer", 1990);
        fixture("beta", "Ben Baker", 1985);
        var gamma = fixture("Gamma", "Ann Archer", 2005);
        fixture("Delta", "Cy Cole", null);
        fixture("epsilon", "Ben Baker", 2010);
        var zeta = fixture("Zeta", "Dee Drake", 1970);
        review(reader, alpha, 5);
        review(reader, gamma, 3);
        review(reader, zeta, 4);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    static String letters(long number) {
        var word = new StringBuilder();
        for (long n = Math.abs(number); n > 0; n /= 26) {
            word.append((char) ('a' + n % 26));
        }
        return word.toString();
    }

    String fixture(String title, String author, Integer year) {
        var body = book(title + " " + tag, author + " " + run, year).put("genre", genre);
        var response = post(librarian, "/api/books", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    static ObjectNode book(String title, String author, Integer year) {
        var body = JsonNodeFactory.instance.objectNode().put("title", title).put("author", author);
        return year == null ? body : body.put("year", year);
    }

    Http.Response post(Identities.Caller caller, String path, JsonNode body) {
        var request = http.request("POST", path).json(body.toString());
        return (caller == null ? request : request.header("Authorization", caller.bearer())).send();
    }

    Http.Response review(Identities.Caller caller, String bookId, int rating) {
        return post(caller, "/api/books/" + bookId + "/reviews",
                JsonNodeFactory.instance.objectNode().put("rating", rating).put("text", "Rated " + rating));
    }

    Http.Response as(Identities.Caller caller, String method, String path, String json) {
        var request = http.request(method, path);
        if (json != null) {
            request.json(json);
        }
        return (caller == null ? request : request.header("Authorization", caller.bearer())).send();
    }

    /**
     * The fixture books matching the query, as their short titles (the tag removed): the query's {@code q} (if any)
     * is searched together with the fixtures' tag, in title order unless the query names a sort.
     */
    List<String> titles(String query) {
        var parameters = new ArrayList<String>();
        String search = tag;
        for (String parameter : query.isEmpty() ? new String[0] : query.split("&")) {
            if (parameter.startsWith("q=")) {
                search = search + "%20" + parameter.substring(2);
            } else {
                parameters.add(parameter);
            }
        }
        if (parameters.stream().noneMatch(parameter -> parameter.startsWith("sort="))) {
            parameters.add("sort=title");
        }
        var response = http.get("/api/books?q=" + (search.equals(tag) ? tag + "%20" : search) + "&per_page=100&"
                + String.join("&", parameters));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        var titles = new ArrayList<String>();
        response.json().path("items").forEach(item -> titles.add(item.path("title").asText().replace(" " + tag, "")));
        return titles;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The seed's own curl session (003, "Testing with curl"), with /api, a session and book_ ids. */
    @Nested
    class SeedSession {
        @Test
        void listGetCreateReplaceDeleteAndVerify() {
            var list = http.get("/api/books");
            assertThat(list.status()).isEqualTo(200);
            String someId = list.json().path("items").get(0).path("id").asText();
            assertThat(http.get("/api/books/" + someId).status()).isEqualTo(200);
            assertProblem(http.get("/api/books/book_00000000000000000000000999"), 404);

            var created = post(librarian, "/api/books", book("The Hitchhiker's Guide " + run, "Douglas Adams", 1979));
            assertThat(created.status()).isEqualTo(201);
            String location = created.header("Location");
            var fetched = http.request("GET", location.substring(location.indexOf("/api/"))).send();
            assertThat(fetched.json()).isEqualTo(created.json());
            String path = "/api/books/" + created.json().path("id").asText();

            var replaced = as(librarian, "PUT", path, book("Dune (Revised) " + run, "Frank Herbert", 1965).toString());
            assertThat(replaced.status()).isEqualTo(200);
            assertThat(replaced.json().path("title").asText()).isEqualTo("Dune (Revised) " + run);
            assertThat(replaced.json().path("version").asLong()).isEqualTo(2);

            assertThat(as(librarian, "DELETE", path, null).status()).isEqualTo(204);
            assertProblem(http.get(path), 404);
            assertThat(http.get("/api/books?q=" + run + "&per_page=100").body()).doesNotContain("Dune (Revised)");
        }

        @Test
        void aBookCarriesItsLinksAndTheAuthorLinkFindsItsBooks() {
            var book = post(librarian, "/api/books", book("Linked " + run, "Lin Ked " + run, 2000)).json();

            JsonNode links = book.path("_links");
            String self = "/api/books/" + book.path("id").asText();
            assertThat(links.path("self").path("href").asText()).isEqualTo(self);
            assertThat(links.path("collection").path("href").asText()).isEqualTo("/api/books");
            assertThat(links.path("reviews").path("href").asText()).isEqualTo(self + "/reviews");
            var byAuthor = http.get(links.path("author").path("href").asText());
            assertThat(byAuthor.json().path("items")).hasSize(1);
            assertThat(byAuthor.json().path("items").get(0).path("id")).isEqualTo(book.path("id"));
            assertThat(book.path("rating").path("count").asInt()).isZero();
            assertThat(book.path("rating").path("average").isNull()).isTrue();
            assertThat(book.path("createdBy").asText()).isEqualTo(librarian.accountId());
        }

        @Test
        void theRootDocumentLinksBooks() {
            assertThat(http.get("/api").json().path("_links").path("books").path("href").asText()).isEqualTo("/api/books");
        }
    }

    @Nested
    class FiltersAndSorts {
        @Test
        void everyFilterAloneAndCombined() {
            assertThat(titles("")).containsExactly("Alpha", "beta", "Delta", "epsilon", "Gamma", "Zeta");
            assertThat(titles("author=" + encode("ANN ARCHER " + run.toUpperCase()))).containsExactly("Alpha", "Gamma");
            assertThat(titles("author=" + encode("Ann Archer"))).isEmpty();
            assertThat(titles("year_min=1990")).containsExactly("Alpha", "epsilon", "Gamma");
            assertThat(titles("year_max=1985")).containsExactly("beta", "Zeta");
            assertThat(titles("year_min=1980&year_max=2005")).containsExactly("Alpha", "beta", "Gamma");
            assertThat(titles("q=ALPHA")).containsExactly("Alpha");
            assertThat(titles("q=baker")).containsExactly("beta", "epsilon");
            assertThat(titles("q=baker&year_min=2000")).containsExactly("epsilon");
            assertThat(titles("author=" + encode("ben baker " + run) + "&year_max=2000&q=beta")).containsExactly("beta");
            assertThat(titles("genre=" + encode(genre.toUpperCase()))).hasSize(6);
            assertThat(titles("genre=fantasy")).isEmpty();
        }

        @Test
        void aSearchMatchesWordsOfTheTitleOrTheAuthorAndTheBeginningOfTheLastWord() {
            assertThat(titles("q=alp")).containsExactly("Alpha");
            assertThat(titles("q=lpha")).isEmpty();
            assertThat(titles("q=" + encode("ann " + run))).containsExactly("Alpha", "Gamma");
            assertThat(titles("q=" + encode("Ann, Archer!"))).containsExactly("Alpha", "Gamma");
            assertThat(titles("q=" + encode("ann bak"))).isEmpty();
            assertThat(http.get("/api/books?q=" + encode("!!! ---")).json().path("total").asLong()).isZero();
            var response = http.get("/api/books?q=" + encode("a b c d e f g h i j k"));
            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("q");
        }

        @Test
        void searchAndFiltersIgnoreAccents() {
            String word = "accents" + letters(System.nanoTime());
            var created = post(librarian, "/api/books", book("Ångström Über " + word, "Gödel Erdős " + run, 1931)
                    .put("genre", "Memoir"));
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().path("id").asText();

            String only = "&q=" + word + "%20";
            for (String query : List.of("q=angstrom%20uber%20" + word, "q=GODEL%20erdos%20" + word,
                    "author=" + encode("godel erdos " + run), "genre=MEMOIR" + only, "genre=memoirs" + only)) {
                var found = http.get("/api/books?" + query).json();
                assertThat(found.path("items")).as(query).hasSize(1);
                assertThat(found.path("items").get(0).path("id").asText()).isEqualTo(id);
            }
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "title|Alpha,beta,Delta,epsilon,Gamma,Zeta",
            "-title|Zeta,Gamma,epsilon,Delta,beta,Alpha",
            "year|Zeta,beta,Alpha,Gamma,epsilon,Delta",
            "-year|epsilon,Gamma,Alpha,beta,Zeta,Delta",
            "author|Alpha,Gamma,beta,epsilon,Delta,Zeta",
            "-author|Zeta,Delta,epsilon,beta,Gamma,Alpha",
            "createdAt|Alpha,beta,Gamma,Delta,epsilon,Zeta",
            "-createdAt|Zeta,epsilon,Delta,Gamma,beta,Alpha",
            "rating|Gamma,Zeta,Alpha,beta,Delta,epsilon",
            "-rating|Alpha,Zeta,Gamma,epsilon,Delta,beta",
        })
        void everySortOrdersTheCatalogue(String sort, String expected) {
            assertThat(titles("sort=" + sort)).containsExactly(expected.split(","));
        }
    }

    @Nested
    class Paging {
        JsonNode page(int number) {
            var response = http.get("/api/books?q=" + tag + "&sort=title&per_page=2" + (number == 1 ? "" : "&page="
                    + number));
            assertThat(response.status()).isEqualTo(200);
            var json = response.json();
            var relations = new ArrayList<String>();
            json.path("_links").fieldNames().forEachRemaining(relations::add);
            for (String relation : relations) {
                assertThat(response.header("Link")).contains("<" + json.path("_links").path(relation).path("href")
                        .asText() + ">; rel=\"" + relation + "\"");
            }
            return json;
        }

        String href(JsonNode page, String relation) {
            return page.path("_links").path(relation).path("href").asText();
        }

        @Test
        void firstMiddleLastAndPastTheEndPagesCarryTheTotalAndTheRightLinks() {
            var first = page(1);
            var middle = page(2);
            var last = page(3);
            var past = page(4);

            for (var page : List.of(first, middle, last, past)) {
                assertThat(page.path("total").asLong()).isEqualTo(6);
                assertThat(page.path("totalPages").asLong()).isEqualTo(3);
                assertThat(page.path("perPage").asInt()).isEqualTo(2);
                assertThat(href(page, "first")).doesNotContainPattern("[?&]page=");
                assertThat(href(page, "last")).containsPattern("[?&]page=3\\b").contains("per_page=2");
            }
            assertThat(first.path("items")).hasSize(2);
            assertThat(first.path("_links").has("prev")).isFalse();
            assertThat(href(first, "next")).containsPattern("[?&]page=2\\b");
            assertThat(href(middle, "prev")).doesNotContainPattern("[?&]page=");
            assertThat(href(middle, "next")).containsPattern("[?&]page=3\\b");
            assertThat(last.path("items")).hasSize(2);
            assertThat(href(last, "prev")).containsPattern("[?&]page=2\\b");
            assertThat(last.path("_links").has("next")).isFalse();
            assertThat(past.path("items")).isEmpty();
            assertThat(past.path("page").asInt()).isEqualTo(4);
            assertThat(past.path("_links").has("next")).isFalse();
            // from past the end, prev leads back to the last page, not to another empty one
            assertThat(href(past, "prev")).isEqualTo(href(last, "self"));
            var farPast = http.get("/api/books?q=" + tag + "&sort=title&per_page=2&page=1000").json();
            assertThat(href(farPast, "prev")).isEqualTo(href(last, "self"));
            assertThat(http.get(href(first, "next")).json().path("items")).isEqualTo(middle.path("items"));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {"page=0|page", "page=-1|page", "page=abc|page", "per_page=1000|per_page",
            "per_page=0|per_page", "year_min=2000&year_max=1999|year_min", "sort=price|sort", "year_min=abc|year_min",
            "year_max=99999|year_max", "page=1&page=2|page", "author=x&colour=red|colour", "q=a%00b|q"})
        void invalidValuesAre400NamingTheParameterNeverClamped(String query, String parameter) {
            var response = http.get("/api/books?" + query);

            assertProblem(response, 400);
            assertThat(errorFields(response)).contains(parameter);
        }
    }

    @Nested
    class Writes {
        String ownBook(String title) {
            return post(librarian, "/api/books", book(title + " " + run, "Writer " + run, 2001)).json().path("id").asText();
        }

        @Test
        void addingABookNeedsASession() {
            assertProblem(post(null, "/api/books", book("Anonymous " + run, "Nobody", null)), 401);
        }

        @ParameterizedTest
        @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
        void onlyTheCreatorWritesAnonymousIs401OthersAre403(String method) {
            String path = "/api/books/" + ownBook("Guarded");
            String body = method.equals("DELETE") ? null : book("Taken " + run, "Thief", null).toString();

            assertProblem(as(null, method, path, body), 401);
            assertProblem(as(reader, method, path, body), 403);
            assertThat(http.get(path).json().path("title").asText()).isEqualTo("Guarded " + run);
            assertThat(as(librarian, method, path, body).status()).isIn(200, 204);
        }

        @ParameterizedTest
        @ValueSource(strings = {"POST /api/books", "PUT", "PATCH", "DELETE", "POST reviews", "DELETE review"})
        void anAnonymousWriteIs401WhateverItsBody(String route) {
            String id = ownBook("Anonymously");
            String review = review(reader, id, 3).json().path("id").asText();
            String[] parts = route.split(" ");
            String path = switch (route) {
                case "POST reviews" -> "/api/books/" + id + "/reviews";
                case "DELETE review" -> "/api/books/" + id + "/reviews/" + review;
                default -> parts.length > 1 ? parts[1] : "/api/books/" + id;
            };

            assertProblem(as(null, parts[0], path, "{\"title\":5,\"rating\":\"x\"}"), 401);
            assertProblem(as(null, parts[0], path, "{"), 401);
            assertThat(http.get("/api/books/" + id).json().path("rating").path("count").asInt()).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"PUT", "PATCH"})
        void whoMayWriteAndTheVersionAreCheckedBeforeTheBody(String method) {
            String path = "/api/books/" + ownBook("Checked first");

            for (String body : List.of("{\"title\":5}", "{\"colour\":\"red\"}", "{\"title\":\" \"}")) {
                assertProblem(as(reader, method, path, body), 403);
                assertProblem(http.request(method, path).header("Authorization", librarian.bearer())
                        .header("If-Match", "\"9\"").json(body).send(), 412);
                assertProblem(as(librarian, method, path, body), 422);
            }
            assertThat(http.get(path).json().path("version").asLong()).isEqualTo(1);
        }

        @Test
        void aPatchChangesWhatItNamesAndRemovesWhatItNulls() {
            String path = "/api/books/" + ownBook("Patched");
            as(librarian, "PATCH", path, "{\"genre\":\"Essays\",\"isbn\":\"0-441-17271-7\"}");

            var response = http.request("PATCH", path).header("Authorization", librarian.bearer())
                    .header("Content-Type", "application/merge-patch+json").body("{\"year\":null,\"isbn\":null}").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("year").isNull()).isTrue();
            assertThat(response.json().path("isbn").isNull()).isTrue();
            assertThat(response.json().path("genre").asText()).isEqualTo("Essays");
            assertThat(response.json().path("title").asText()).isEqualTo("Patched " + run);
            assertThat(response.header("ETag")).isEqualTo("\"3\"");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {"{\"title\":null}|title", "{\"author\":\"  \"}|author", "{\"year\":3000}|year",
            "{\"year\":\"1999\"}|year", "{\"isbn\":\"1234567890\"}|isbn", "{\"createdBy\":\"acct_x\"}|createdBy",
            "{\"rating\":5}|rating"})
        void aPatchThatBreaksARuleChangesNothing(String body, String field) {
            String path = "/api/books/" + ownBook("Intact");
            var before = http.get(path).json();

            var response = as(librarian, "PATCH", path, body);

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly(field);
            assertThat(http.get(path).json()).isEqualTo(before);
        }

        @Test
        void aDuplicateIsbnIsAConflictInEitherForm() {
            String isbn13 = BookStoreContract.uniqueIsbn();
            String isbn10 = isbn13.substring(3, 12) + isbn10CheckDigit(isbn13.substring(3, 12));
            var first = post(librarian, "/api/books", book("First " + run, "A", null).put("isbn", isbn13));
            assertThat(first.status()).isEqualTo(201);

            assertProblem(post(reader, "/api/books", book("Second " + run, "B", null).put("isbn", isbn13)), 409);
            assertProblem(post(reader, "/api/books", book("Third " + run, "C", null).put("isbn", isbn10)), 409);
            assertProblem(post(reader, "/api/books", book("Bad " + run, "D", null).put("isbn", "9780441172718")), 422);
        }

        private static char isbn10CheckDigit(String nine) {
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (10 - i) * (nine.charAt(i) - '0');
            }
            int check = (11 - sum % 11) % 11;
            return check == 10 ? 'X' : (char) ('0' + check);
        }

        @Test
        void aBookIsConditionallyReadableAndWritable() {
            String path = "/api/books/" + ownBook("Cached");
            var first = http.get(path);
            assertThat(first.header("ETag")).isEqualTo("\"1\"");
            assertThat(first.header("Cache-Control")).isEqualTo("public, max-age=60");

            var again = http.request("GET", path).header("If-None-Match", "\"1\"").send();
            assertThat(again.status()).isEqualTo(304);
            assertThat(again.header("ETag")).isEqualTo("\"1\"");
            assertThat(again.header("Cache-Control")).isEqualTo("public, max-age=60");
            var head = http.request("HEAD", path).send();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("ETag")).isEqualTo("\"1\"");
            assertThat(head.header("Cache-Control")).isEqualTo("public, max-age=60");
            assertThat(head.body()).isEmpty();

            assertThat(http.request("PUT", path).header("Authorization", librarian.bearer()).header("If-Match", "\"1\"")
                    .json(book("Cached v2 " + run, "Writer", null).toString()).send().status()).isEqualTo(200);
            assertProblem(http.request("PUT", path).header("Authorization", librarian.bearer()).header("If-Match", "\"1\"")
                    .json(book("Lost " + run, "Writer", null).toString()).send(), 412);
            assertProblem(http.request("DELETE", path).header("Authorization", librarian.bearer())
                    .header("If-Match", "\"1\"").send(), 412);
            assertThat(http.get(path).json().path("title").asText()).isEqualTo("Cached v2 " + run);
        }

        /**
         * Without If-Match, a write is conditional on the version it read (last writer wins, never two on one
         * version): concurrent PUTs and PATCHes each get 200 or 409, and the book ends at 1 + the number of 200s.
         */
        @Test
        void concurrentUnconditionalWritesNeverBothWinOnOneVersion() throws Exception {
            String path = "/api/books/" + ownBook("Contested");

            var responses = Concurrently.run(12, i -> i % 2 == 0
                    ? as(librarian, "PUT", path, book("Contested " + run + " by " + i, "Writer", 1900 + i).toString())
                    : http.request("PATCH", path).header("Authorization", librarian.bearer())
                            .json("{\"title\":\"Contested " + run + " by " + i + "\"}").send());

            assertThat(responses).allSatisfy(response -> assertThat(response.status()).isIn(200, 409));
            var winners = responses.stream().filter(response -> response.status() == 200).toList();
            assertThat(winners).isNotEmpty();
            assertThat(winners.stream().map(response -> response.json().path("version").asLong()))
                    .doesNotHaveDuplicates();
            var last = winners.stream().max(Comparator.comparingLong(
                    response -> response.json().path("version").asLong())).orElseThrow();
            var current = http.get(path).json();
            assertThat(current.path("version").asLong()).isEqualTo(1 + winners.size());
            assertThat(current.path("title")).isEqualTo(last.json().path("title"));
            assertThat(current.path("year")).isEqualTo(last.json().path("year"));
        }

        @Test
        void anIdempotentAddIsReplayed() {
            var body = book("Once " + run, "Writer", null).toString();
            var first = http.request("POST", "/api/books").header("Authorization", librarian.bearer())
                    .header("Idempotency-Key", "book-" + run).json(body).send();
            var retry = http.request("POST", "/api/books").header("Authorization", librarian.bearer())
                    .header("Idempotency-Key", "book-" + run).json(body).send();

            assertThat(first.status()).isEqualTo(201);
            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(retry.json().path("id")).isEqualTo(first.json().path("id"));
            assertThat(http.get("/api/books?q=" + encode("Once " + run)).json().path("total").asLong()).isEqualTo(1);
        }
    }

    @Nested
    class Reviews {
        String bookId() {
            return post(librarian, "/api/books", book("Reviewed " + System.nanoTime(), "Writer " + run, 2001)).json()
                    .path("id").asText();
        }

        @Test
        void addingAndDeletingReviewsChangesTheRatingAndTheETag() {
            String id = bookId();
            String path = "/api/books/" + id;
            var critic = identities.newCaller("critic");

            var first = review(reader, id, 5);
            assertThat(first.status()).isEqualTo(201);
            assertThat(first.header("Location")).endsWith(first.json().path("_links").path("self").path("href").asText());
            review(critic, id, 2);

            var rated = http.get(path);
            assertThat(rated.json().path("rating").path("count").asInt()).isEqualTo(2);
            assertThat(rated.json().path("rating").path("average").decimalValue()).isEqualByComparingTo("3.5");
            assertThat(rated.header("ETag")).isEqualTo("\"3\"");
            assertThat(http.request("GET", path).header("If-None-Match", "\"1\"").send().status()).isEqualTo(200);

            String reviewPath = path + "/reviews/" + first.json().path("id").asText();
            assertThat(as(reader, "DELETE", reviewPath, null).status()).isEqualTo(204);
            var after = http.get(path).json();
            assertThat(after.path("rating").path("count").asInt()).isEqualTo(1);
            assertThat(after.path("rating").path("average").decimalValue()).isEqualByComparingTo("2");
            assertProblem(http.get(reviewPath), 404);
        }

        @Test
        void aSecondReviewByTheSameAccountIsAConflict() {
            String id = bookId();
            review(reader, id, 4);

            assertProblem(review(reader, id, 1), 409);
            assertThat(http.get("/api/books/" + id).json().path("rating").path("count").asInt()).isEqualTo(1);
        }

        @Test
        void concurrentReviewsByManyAccountsAreAllCountedInTheRating() throws Exception {
            String id = bookId();
            var critics = new ArrayList<Identities.Caller>();
            for (int i = 0; i < 12; i++) {
                critics.add(identities.newCaller("crowd" + i));
            }

            var statuses = Concurrently.run(12, i -> review(critics.get(i), id, i % 5 + 1).status());

            assertThat(statuses).containsOnly(201);
            var book = http.get("/api/books/" + id).json();
            // ratings 1,2,3,4,5,1,2,3,4,5,1,2: sum 33 over 12
            assertThat(book.path("rating").path("count").asInt()).isEqualTo(12);
            assertThat(book.path("rating").path("average").decimalValue()).isEqualByComparingTo("2.75");
            assertThat(book.path("version").asLong()).isEqualTo(13);
            assertThat(http.get("/api/books/" + id + "/reviews").json().path("total").asLong()).isEqualTo(12);
        }

        @Test
        void concurrentReviewsByOneAccountLeaveExactlyOne() throws Exception {
            String id = bookId();

            var statuses = Concurrently.run(10, i -> review(reader, id, 4).status());

            assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
            var book = http.get("/api/books/" + id).json();
            assertThat(book.path("rating").path("count").asInt()).isEqualTo(1);
            assertThat(book.path("version").asLong()).isEqualTo(2);
        }

        @Test
        void onlyAReviewsAuthorDeletesItAndAnonymousCallersCannotReview() {
            String id = bookId();
            var review = review(reader, id, 4).json();
            String reviewPath = "/api/books/" + id + "/reviews/" + review.path("id").asText();

            assertProblem(review(null, id, 3), 401);
            assertProblem(as(null, "DELETE", reviewPath, null), 401);
            assertProblem(as(librarian, "DELETE", reviewPath, null), 403);
            assertThat(http.get(reviewPath).status()).isEqualTo(200);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {"{}|rating", "{\"rating\":0}|rating", "{\"rating\":6}|rating",
            "{\"rating\":4.5}|rating", "{\"rating\":\"5\"}|rating", "{\"rating\":3,\"text\":7}|text",
            "{\"rating\":3,\"bookId\":\"book_x\"}|bookId"})
        void anInvalidReviewIs422NamingTheField(String body, String field) {
            var response = as(reader, "POST", "/api/books/" + bookId() + "/reviews", body);

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly(field);
        }

        @Test
        void reviewTextHasAtMost5000Characters() {
            String id = bookId();
            var tooLong = JsonNodeFactory.instance.objectNode().put("rating", 3).put("text", "w".repeat(5001));

            assertProblem(post(reader, "/api/books/" + id + "/reviews", tooLong), 422);
            assertThat(post(reader, "/api/books/" + id + "/reviews", tooLong.put("text", "w".repeat(5000))).status())
                    .isEqualTo(201);
        }

        @Test
        void reviewsArePagedNewestFirst() {
            String id = bookId();
            var names = new ArrayList<String>();
            for (int i = 0; i < 3; i++) {
                var critic = identities.newCaller("critic" + i);
                names.add(review(critic, id, 3).json().path("id").asText());
            }

            var first = http.get("/api/books/" + id + "/reviews?per_page=2");
            var second = http.get("/api/books/" + id + "/reviews?per_page=2&page=2");

            assertThat(first.json().path("total").asLong()).isEqualTo(3);
            assertThat(first.json().path("totalPages").asLong()).isEqualTo(2);
            assertThat(first.json().path("items").get(0).path("id").asText()).isEqualTo(names.get(2));
            assertThat(second.json().path("items")).hasSize(1);
            assertThat(second.json().path("items").get(0).path("id").asText()).isEqualTo(names.get(0));
            assertThat(first.json().path("_links").path("book").path("href").asText()).isEqualTo("/api/books/" + id);
            assertThat(first.header("Link")).contains("rel=\"next\"");
            assertThat(first.json().path("_links").path("first").path("href").asText())
                    .isEqualTo("/api/books/" + id + "/reviews?per_page=2");
            assertProblem(http.get("/api/books/" + id + "/reviews?per_page=101"), 400);
        }

        @Test
        void aDeletedBookTakesItsReviewsWithIt() {
            String id = bookId();
            review(reader, id, 4);

            assertThat(as(librarian, "DELETE", "/api/books/" + id, null).status()).isEqualTo(204);

            assertProblem(http.get("/api/books/" + id + "/reviews"), 404);
            assertProblem(review(reader, id, 4), 404);
        }
    }
}
