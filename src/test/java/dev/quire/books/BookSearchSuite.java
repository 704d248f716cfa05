package dev.quire.books;

import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.Problems.errorFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Search over HTTP on the real application, the same contract on each database (see the subclasses): web search
 * syntax, relevance, typo correction, genres and facets. The server starts with the demo catalogue, which the
 * issue's own examples ({@code q=fiction}, {@code q=dnue}, {@code q=tolkein}) are asked of; every other test adds
 * books carrying a word of its own, so that tests sharing the server cannot see each other's books.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BookSearchSuite {
    TestServer server;
    Http http;
    Identities.Caller librarian;

    abstract TestDatabase database();

    @BeforeAll
    void startServer() {
        server = TestServer.builder(database()).setting("QUIRE_DEMO_DATA", "true").start();
        http = new Http(server);
        librarian = new Identities(http).newCaller("librarian");
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    /**
     * A word no other book has: "qx" and twelve random letters, so that it is no English word (stemming leaves it
     * alone), no two are within a typo of each other (one is never "corrected" into another), and a prefix four
     * letters shorter is too short to be corrected into it.
     */
    static String uniqueWord() {
        var random = ThreadLocalRandom.current();
        var word = new StringBuilder("qx");
        for (int i = 0; i < 12; i++) {
            word.append((char) ('a' + random.nextInt(26)));
        }
        return word.toString();
    }

    String add(String title, String author, Integer year, String genre, String description) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("title", title).put("author", author);
        if (year != null) {
            body.put("year", year);
        }
        if (genre != null) {
            body.put("genre", genre);
        }
        if (description != null) {
            body.put("description", description);
        }
        var response = http.request("POST", "/api/books").header("Authorization", librarian.bearer())
                .json(body.toString()).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    Http.Response write(String method, String id, String json) {
        var request = http.request(method, "/api/books/" + id).header("Authorization", librarian.bearer());
        return (json == null ? request : request.json(json)).send();
    }

    /** The list answer for the query string, which must be 200. */
    JsonNode list(String query) {
        var response = http.get("/api/books?" + query);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    JsonNode search(String q) {
        return list("q=" + encode(q) + "&per_page=100");
    }

    static List<String> titles(JsonNode page) {
        var titles = new ArrayList<String>();
        page.path("items").forEach(item -> titles.add(item.path("title").asText()));
        return titles;
    }

    static List<String> ids(JsonNode page) {
        var ids = new ArrayList<String>();
        page.path("items").forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    /** Every id the query lists, following the pages. */
    Set<String> allIds(String query) {
        var ids = new LinkedHashSet<String>();
        for (int page = 1; ; page++) {
            var json = list(query + "&per_page=100&page=" + page);
            ids.addAll(ids(json));
            if (!json.path("_links").has("next")) {
                assertThat(ids).hasSize((int) json.path("total").asLong());
                return ids;
            }
        }
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The examples, asked of the demo catalogue. */
    @Nested
    class TheDemoCatalogue {
        @Test
        void fictionFindsTheBooksWhoseGenreIsAFictionAndStemmingFindsThemForFictionsToo() {
            var fictionGenres = new HashSet<String>(allIds("genre=science-fiction"));
            fictionGenres.addAll(allIds("genre=literary-fiction"));

            var fiction = allIds("q=fiction");
            var fictions = allIds("q=fictions%20");

            assertThat(fictionGenres).hasSizeGreaterThanOrEqualTo(22);
            assertThat(fiction).containsAll(fictionGenres);
            assertThat(fictions).isEqualTo(fiction);
        }

        @Test
        void aTypoIsCorrectedAndSaid() {
            var dnue = search("dnue");
            var tolkein = search("tolkein");

            assertThat(titles(dnue)).startsWith("Dune");
            assertThat(dnue.path("didYouMean").asText()).isEqualTo("dune");
            assertThat(Set.copyOf(ids(tolkein))).isEqualTo(allIds("author=" + encode("J. R. R. Tolkien")));
            assertThat(tolkein.path("didYouMean").asText()).isEqualTo("tolkien");
        }

        @Test
        void aSearchThatFindsBooksAsWrittenHasNoDidYouMean() {
            var dune = search("dune");

            assertThat(titles(dune)).startsWith("Dune");
            assertThat(dune.has("didYouMean")).isFalse();
            assertThat(dune.path("totalIsEstimate").asBoolean(true)).isFalse();
        }

        @Test
        void theLastWordIsAPrefixUnlessTheSearchEndsWithASpace() {
            var typing = search("dun");
            var typed = search("dun ");

            assertThat(titles(typing)).startsWith("Dune");
            assertThat(typing.has("didYouMean")).isFalse();
            // "dun" as a whole word is no word of the catalogue: what comes back is a correction, and says so; "dan"
            // (Dan Simmons) and "dune" are one letter away and in one book each, and "dan" comes first
            assertThat(typed.path("didYouMean").asText()).isEqualTo("dan");
            assertThat(titles(typed)).containsExactly("Hyperion");
        }

        @Test
        void aQuotedPhraseFindsTheLordOfTheRings() {
            var theLord = search("\"the lord\"");

            // "the" is a stop word: the phrase is "lord", in a title first, then in a description
            assertThat(titles(theLord)).startsWith("The Lord of the Rings").contains("The Remains of the Day");
            // (other tests add books of that title, with a word of their own after it)
            assertThat(titles(search("\"lord of the rings\""))).startsWith("The Lord of the Rings")
                    .allSatisfy(title -> assertThat(title).startsWith("The Lord of the Rings"));
            assertThat(titles(search("\"rings of the lord\""))).doesNotContain("The Lord of the Rings");
        }

        @Test
        void genreFiltersByItsSlugItsNameOrAnAliasInAnyCase() {
            var bySlug = allIds("genre=science-fiction");
            for (String spelling : List.of("sci-fi", "Science%20Fiction", "SCIENCE%20FICTION", "scifi", "sf",
                    "science_fiction")) {
                assertThat(allIds("genre=" + spelling)).as(spelling).isEqualTo(bySlug);
            }
            assertThat(titles(list("q=dune&genre=sci-fi"))).startsWith("Dune");
            assertThat(list("q=dune&genre=romance").path("total").asLong()).isZero();
        }
    }

    @Nested
    class Syntax {
        @Test
        void aPhraseIsItsWordsTogetherInOrder() {
            String word = uniqueWord();
            String phrase = add("The Lord of the Rings " + word, "Ann Author", null, null, null);
            String reversed = add("Rings of the Lord " + word, "Ann Author", null, null, null);

            assertThat(ids(search("\"lord of the rings\" " + word))).containsExactly(phrase);
            assertThat(ids(search("lord rings " + word))).containsExactlyInAnyOrder(phrase, reversed);
            assertThat(ids(search("\"rings of the lord\" " + word))).containsExactly(reversed);
        }

        @Test
        void aMinusExcludesAWordOrAPhrase() {
            String word = uniqueWord();
            String lord = add("The Lord of the Rings " + word, "Ann Author", null, null, null);
            String hobbit = add("The Hobbit " + word, "Ann Author", null, null, null);
            String rings = add("Rings of Saturn " + word, "Bo Author", null, null, null);

            assertThat(ids(search(word + " -rings"))).containsExactly(hobbit);
            assertThat(ids(search(word + " -\"lord of the rings\""))).containsExactlyInAnyOrder(hobbit, rings);
            assertThat(ids(search(word + " -bo"))).containsExactlyInAnyOrder(lord, hobbit);
            // only exclusions: nothing to look for, nothing found
            var onlyExcluded = search("-" + word);
            assertThat(onlyExcluded.path("total").asLong()).isZero();
            assertThat(onlyExcluded.has("didYouMean")).isFalse();
        }

        @Test
        void theLastWordMatchesTheWordsItBeginsUnlessFollowedByASpace() {
            String word = uniqueWord();
            String id = add("Typing " + word, "Ann Author", null, null, null);
            String start = word.substring(0, word.length() - 4);

            assertThat(ids(search(start))).containsExactly(id);
            assertThat(ids(search(word))).containsExactly(id);
            var whole = search(start + " ");
            assertThat(whole.path("total").asLong()).isZero();
            assertThat(whole.has("didYouMean")).isFalse();
            // only the last word is a prefix
            assertThat(search(start + " typing").path("total").asLong()).isZero();
        }

        @Test
        void searchIgnoresCaseAccentsAndPunctuationAndStemsEnglish() {
            String word = uniqueWord();
            String id = add("Ångström's Running Dreams " + word, "Gödel Erdős", null, null, null);

            for (String q : List.of("angstrom " + word, "GODEL erdos " + word, "run " + word, "dream " + word,
                    "ångström's, " + word.toUpperCase() + "!")) {
                assertThat(ids(search(q))).as(q).containsExactly(id);
            }
        }

        @Test
        void titleAuthorGenreAndDescriptionAreSearched() {
            String word = uniqueWord();
            String other = uniqueWord();
            String title = add("Title " + word, "Ann Author", null, null, null);
            String author = add("Something", "Ann " + word, null, null, null);
            String description = add("Other", "Ann Author", null, null, "A story of " + word + ".\nTwo lines.");
            String genre = add("Chronicles " + other, "Ann Author", null, "Horror", null);

            assertThat(ids(search(word + " "))).containsExactlyInAnyOrder(title, author, description);
            assertThat(ids(search(other + " horror"))).containsExactly(genre);
            assertThat(ids(search(other + " romance"))).doesNotContain(genre);
        }

        @Test
        void aSearchOfMoreThanTenWordsIs400() {
            var response = http.get("/api/books?q=" + encode("a b c d e f g h i j k"));

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("q");
        }
    }

    @Nested
    class Relevance {
        @Test
        void withASearchTheBestMatchesComeFirstTitleThenAuthorThenGenreThenDescription() {
            String word = uniqueWord();
            // titles in the reverse of the expected order, so that title order could not pass for relevance
            String inDescription = add("Aardvarks", "Ann Author", null, null, "About " + word + " and more.");
            String inAuthor = add("Bears", "Ann " + word, null, null, null);
            String inTitle = add("Cats " + word, "Ann Author", null, null, null);

            var page = search(word + " ");

            assertThat(ids(page)).containsExactly(inTitle, inAuthor, inDescription);
            assertThat(list("q=" + word + "&sort=relevance").path("items")).isEqualTo(page.path("items"));
            assertThat(ids(list("q=" + word + "&sort=title"))).containsExactly(inDescription, inAuthor, inTitle);
        }

        @Test
        void aGenreOutweighsADescription() {
            String word = uniqueWord();
            String described = add("Aardvarks " + word, "Ann Author", null, null, "A fiction of sorts.");
            String shelved = add("Bears " + word, "Ann Author", null, "Literary fiction", null);

            assertThat(ids(search(word + " fiction"))).containsExactly(shelved, described);
        }

        @Test
        void otherSortsStillWorkWithASearch() {
            String word = uniqueWord();
            String old = add("Beta " + word, "Cy", 1900, null, null);
            String undated = add("Alpha " + word, "Ann", null, null, null);
            String recent = add("Gamma " + word, "Bo", 2000, null, null);

            assertThat(ids(list("q=" + word + "&sort=year"))).containsExactly(old, recent, undated);
            assertThat(ids(list("q=" + word + "&sort=-year"))).containsExactly(recent, old, undated);
            assertThat(ids(list("q=" + word + "&sort=author"))).containsExactly(undated, recent, old);
            assertThat(ids(list("q=" + word + "&sort=-createdAt"))).containsExactly(recent, undated, old);
        }

        @Test
        void equalMatchesKeepOneOrderSoNoBookIsSeenTwiceAcrossPages() {
            String word = uniqueWord();
            var added = new ArrayList<String>();
            for (int i = 0; i < 7; i++) {
                added.add(add("Same " + word, "Same Author", 2000, "Essays", null));
            }

            var seen = new ArrayList<String>();
            for (int page = 1; page <= 4; page++) {
                var json = list("q=" + word + "&per_page=2&page=" + page);
                assertThat(json.path("total").asLong()).isEqualTo(7);
                seen.addAll(ids(json));
            }

            assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(added);
            // equal scores and titles: by id
            assertThat(seen).isSorted();
        }

        @Test
        void theLinksOfASearchKeepTheSearchAndLeaveTheDefaultOrderOut() {
            String word = uniqueWord();
            for (int i = 0; i < 3; i++) {
                add("Linked " + word + " " + i, "Ann Author", 1990 + i, "sci-fi", null);
            }

            var first = list("q=" + word + "&per_page=2&facets=decade,genre&genre=SCI-FI");
            String next = first.path("_links").path("next").path("href").asText();

            assertThat(next).isEqualTo("/api/books?genre=science-fiction&q=" + word
                    + "&page=2&per_page=2&facets=genre%2Cdecade");
            var second = http.get(next).json();
            assertThat(second.path("items")).hasSize(1);
            assertThat(second.path("facets")).isEqualTo(first.path("facets"));
        }
    }

    @Nested
    class GenreList {
        @Test
        void theGenresAreListedWithSlugNameAliasesAndCount() {
            var genres = http.get("/api/genres");
            assertThat(genres.status()).isEqualTo(200);
            assertThat(genres.header("Content-Type")).startsWith("application/json");

            var items = genres.json().path("items");
            assertThat(items.size()).isGreaterThanOrEqualTo(20);
            JsonNode sciFi = null;
            for (var item : items) {
                assertThat(item.path("slug").asText()).matches("[a-z]+(-[a-z]+)*");
                assertThat(item.path("name").asText()).isNotBlank();
                assertThat(item.path("aliases").isArray()).isTrue();
                assertThat(item.path("count").asLong()).isNotNegative();
                assertThat(item.path("_links").path("books").path("href").asText())
                        .isEqualTo("/api/books?genre=" + item.path("slug").asText());
                if (item.path("slug").asText().equals("science-fiction")) {
                    sciFi = item;
                }
            }
            assertThat(sciFi).isNotNull();
            assertThat(sciFi.path("name").asText()).isEqualTo("Science fiction");
            assertThat(sciFi.path("aliases").toString()).contains("\"sci-fi\"");
            assertThat(sciFi.path("count").asLong()).isEqualTo(list("genre=sci-fi").path("total").asLong());
            assertThat(genres.json().path("_links").path("self").path("href").asText()).isEqualTo("/api/genres");
        }

        @Test
        void aGenresCountFollowsTheBooksInIt() {
            long before = count("poetry");

            String id = add("Verses " + uniqueWord(), "Ann Author", null, "poems", null);
            assertThat(count("poetry")).isEqualTo(before + 1);
            assertThat(http.get("/api/books/" + id).json().path("genre").asText()).isEqualTo("Poetry");

            assertThat(write("PATCH", id, "{\"genre\":\"Drama\"}").status()).isEqualTo(200);
            assertThat(count("poetry")).isEqualTo(before);
        }

        long count(String slug) {
            for (var item : http.get("/api/genres").json().path("items")) {
                if (item.path("slug").asText().equals(slug)) {
                    return item.path("count").asLong();
                }
            }
            throw new AssertionError("no genre " + slug);
        }

        @ParameterizedTest
        @ValueSource(strings = {"fixture", "fiction", "sci-fi-fi", "Science%20fiction%202"})
        void anUnknownGenreIs400NamingTheAcceptedOnes(String genre) {
            var response = http.get("/api/books?genre=" + genre);

            assertProblem(response, 400);
            assertThat(errorFields(response)).containsExactly("genre");
            assertThat(response.json().path("detail").asText() + response.json().path("errors").toString())
                    .contains("/api/genres", "science-fiction", "literary-fiction", "young-adult");
        }

        @Test
        void aBookOfAnUnknownGenreIs422NamingTheAcceptedOnes() {
            var response = http.request("POST", "/api/books").header("Authorization", librarian.bearer())
                    .json("{\"title\":\"T\",\"author\":\"A\",\"genre\":\"Space opera\"}").send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("genre");
            assertThat(response.body()).contains("science-fiction");
        }
    }

    @Nested
    class Facets {
        @Test
        void eachFacetCountsTheMatchesUnderEveryFilterButItsOwn() {
            String word = uniqueWord();
            add("One " + word, "Ann Author", 1961, "Science fiction", null);
            add("Two " + word, "Ann Author", 1965, "sci-fi", null);
            add("Three " + word, "Ann Author", 1972, "Science fiction", null);
            add("Four " + word, "Ann Author", 1965, "Fantasy", null);
            add("Five " + word, "Ann Author", null, "Fantasy", null);
            add("Six " + word, "Ann Author", 1999, null, null);

            var page = list("q=" + word + "&genre=sci-fi&year_min=1960&year_max=1969&facets=genre,decade");

            assertThat(titles(page)).containsExactlyInAnyOrder("One " + word, "Two " + word);
            assertThat(page.path("total").asLong()).isEqualTo(2);
            // genres among the 1960s matches of every genre; most books first
            assertThat(page.path("facets").path("genre").toString()).isEqualTo(
                    "[{\"slug\":\"science-fiction\",\"name\":\"Science fiction\",\"count\":2},"
                    + "{\"slug\":\"fantasy\",\"name\":\"Fantasy\",\"count\":1}]");
            // decades among the science fiction matches of every year; by decade
            assertThat(page.path("facets").path("decade").toString()).isEqualTo(
                    "[{\"decade\":1960,\"count\":2},{\"decade\":1970,\"count\":1}]");

            var unfiltered = list("q=" + word + "&facets=decade");
            assertThat(unfiltered.path("facets").has("genre")).isFalse();
            assertThat(unfiltered.path("facets").path("decade").toString()).isEqualTo(
                    "[{\"decade\":1960,\"count\":3},{\"decade\":1970,\"count\":1},{\"decade\":1990,\"count\":1}]");
        }

        @Test
        void facetsAreLeftOutUnlessAskedForAndWorkWithoutASearch() {
            assertThat(list("q=dune").has("facets")).isFalse();

            var whole = list("facets=genre&per_page=1");
            assertThat(whole.path("facets").has("decade")).isFalse();
            var counted = new ArrayList<String>();
            whole.path("facets").path("genre").forEach(genre -> counted.add(genre.path("slug").asText() + "="
                    + genre.path("count").asLong()));
            var listed = new ArrayList<String>();
            http.get("/api/genres").json().path("items").forEach(genre -> {
                if (genre.path("count").asLong() > 0) {
                    listed.add(genre.path("slug").asText() + "=" + genre.path("count").asLong());
                }
            });
            // without a filter, the genre facet is the list of genres (those with books), most books first
            assertThat(counted).containsExactlyInAnyOrderElementsOf(listed).contains("science-fiction="
                    + list("genre=sci-fi").path("total").asLong());
            var counts = counted.stream().map(entry -> Long.parseLong(entry.substring(entry.indexOf('=') + 1)))
                    .toList();
            assertThat(counts).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        }
    }

    @Nested
    class Totals {
        @Test
        void theTotalIsExactAndSaidToBe() {
            var fiction = list("q=fiction&per_page=5");

            assertThat(fiction.path("totalIsEstimate").isBoolean()).isTrue();
            assertThat(fiction.path("totalIsEstimate").asBoolean()).isFalse();
            assertThat(fiction.path("total").asLong()).isEqualTo(allIds("q=fiction").size());
            assertThat(list("per_page=1").path("totalIsEstimate").asBoolean(true)).isFalse();
        }
    }

    @Nested
    class ReadYourWrites {
        @Test
        void aBookIsFoundAsSoonAsItIsAddedChangedOrDeleted() {
            String before = uniqueWord();
            String after = "zw" + uniqueWord();
            String described = uniqueWord();
            String id = add("Fresh " + before, "Ann Author", null, null, null);
            assertThat(ids(search(before))).containsExactly(id);

            assertThat(write("PATCH", id, "{\"title\":\"Fresh " + after + "\",\"description\":\"Now with "
                    + described + ".\"}").status()).isEqualTo(200);
            assertThat(search(before + " ").path("total").asLong()).isZero();
            assertThat(ids(search(after))).containsExactly(id);
            assertThat(ids(search(described))).containsExactly(id);

            assertThat(write("PATCH", id, "{\"description\":null}").status()).isEqualTo(200);
            assertThat(search(described + " ").path("total").asLong()).isZero();

            assertThat(write("DELETE", id, null).status()).isEqualTo(204);
            assertThat(search(after + " ").path("total").asLong()).isZero();
        }

        @Test
        void aReviewKeepsTheBookFindable() {
            String word = uniqueWord();
            String id = add("Reviewed " + word, "Ann Author", null, null, null);
            var review = http.request("POST", "/api/books/" + id + "/reviews").header("Authorization",
                    librarian.bearer()).json("{\"rating\":5}").send();
            assertThat(review.status()).isEqualTo(201);

            var found = search(word);
            assertThat(ids(found)).containsExactly(id);
            assertThat(found.path("items").get(0).path("rating").path("count").asInt()).isEqualTo(1);
        }
    }
}
