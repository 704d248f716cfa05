package dev.quire.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.docs.MarkdownDocs.Block;
import dev.quire.docs.MarkdownDocs.Document;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/ hold together without a server: every relative link leads to a file and heading that exist,
 * every curl session against Quire is a walkthrough WalkthroughIT runs (docs/TESTING.md), written as commands
 * without prompts, and README stays the short front door. Also what WalkthroughIT's comparison lets through.
 */
class DocumentationTest {
    private static final List<Document> DOCUMENTS = MarkdownDocs.all();

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
        Map<Path, Document> byFile = DOCUMENTS.stream().collect(Collectors.toMap(Document::file, Function.identity()));
        var broken = DOCUMENTS.stream().flatMap(document -> MarkdownDocs.brokenLinks(document, byFile).stream())
                .toList();

        assertThat(DOCUMENTS.stream().mapToLong(d -> d.links().size()).sum()).isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void walkthroughsFollowTheConvention() {
        var problems = DOCUMENTS.stream().flatMap(document -> document.problems().stream()).toList();

        assertThat(problems).isEmpty();
        assertThat(walkthroughNames("README.md")).isNotEmpty();
        assertThat(walkthroughNames("docs/API.md")).contains("accounts", "todos", "books", "errors");
    }

    @Test
    void everyCurlSessionAgainstQuireIsAWalkthroughAndNoCommandHasAPrompt() {
        var problems = new ArrayList<String>();
        for (Document document : DOCUMENTS) {
            var steps = document.walkthroughs().stream().flatMap(w -> w.steps().stream())
                    .map(MarkdownDocs.Step::commands).toList();
            for (Block block : document.blocks()) {
                if (!block.language().equals("sh")) {
                    continue;
                }
                if (block.text().lines().anyMatch(line -> line.startsWith("$ ") || line.equals("$"))) {
                    problems.add(block.where() + ": a `$ ` prompt (write the command alone, its output in a block of"
                            + " its own)");
                }
                if (block.text().contains("curl") && block.text().contains(MarkdownDocs.DOCUMENTED_BASE)
                        && !block.text().contains(MarkdownDocs.MAILED_TOKEN) && !steps.contains(block)) {
                    problems.add(block.where() + ": a curl session outside a walkthrough (mark it, so it is tested)");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void readmeIsTheShortFrontDoor() {
        var readme = DOCUMENTS.stream().filter(d -> d.file().equals(Path.of("README.md"))).findFirst().orElseThrow();

        assertThat(readme.lines()).as("README.md's lines (the rest belongs in docs/)").hasSizeLessThanOrEqualTo(200);
    }

    @Test
    void theComparisonMasksWhatChangesFromRunToRunAndNothingElse() {
        String shown = """
                HTTP/1.1 201 Created
                Date: Sat, 21 Nov 2026 13:01:19 GMT
                Location: http://localhost:8080/api/todos/todo_01M7Z48V1TWM309YFSTVXA2SZN
                Content-Length: 284

                {"id":"todo_01M7Z48V1TWM309YFSTVXA2SZN","title":"Buy milk","createdAt":"2026-11-21T13:20:59.450Z",\
                "nextCursor":"dDEKb3JkZXIK","requestId":"545e27ef88645d18c8aa70a54614bd15"}""";
        String printed = """
                HTTP/1.1 201 Created\r
                Date: Sun, 06 Dec 2026 09:00:00 GMT\r
                Location: http://localhost:8080/api/todos/todo_01M94ABCDEFGHJKMNPQRSTVWXY\r
                Content-Length: 283\r
                \r
                {"id":"todo_01M94ABCDEFGHJKMNPQRSTVWXY","title":"Buy milk","createdAt":"2026-12-06T09:00:00.45Z",\
                "nextCursor":"ZZZZ","requestId":"00000000000000000000000000000000"}""";

        assertThat(MarkdownDocs.matches(shown, printed)).isTrue();
        assertThat(MarkdownDocs.matches(shown, printed.replace("Buy milk", "Buy bread"))).isFalse();
        assertThat(MarkdownDocs.matches(shown, printed.replace("201 Created", "200 OK"))).isFalse();
        assertThat(MarkdownDocs.matches(shown, printed.replace("todo_01M94", "book_01M94"))).isFalse();
        // the demo catalogue's ids are fixed: they are compared as they are
        assertThat(MarkdownDocs.matches("book_00000000000000000000000001", "book_00000000000000000000000002")).isFalse();
        // … stands for any text, across lines too, and for none
        assertThat(MarkdownDocs.matches("HTTP/1.1 201 Created\n…\n{\"id\":…,\"title\":\"Buy milk\",…}", printed)).isTrue();
        assertThat(MarkdownDocs.matches("{…}", "{}")).isTrue();
        assertThat(MarkdownDocs.matches("…\"title\":\"Buy milk\"…", printed.replace("Buy milk", "Buy bread")))
                .isFalse();
        // an API key and its prefix differ every time; what surrounds them does not
        String key = "quire_pat_" + "aB3-_".repeat(10) + "xYz9";
        assertThat(MarkdownDocs.matches("{\"secret\":\"" + key + "\",\"prefix\":\"quire_pat_aB3-_a\"}",
                "{\"secret\":\"quire_pat_" + "Zz0_-".repeat(10) + "AAAA\",\"prefix\":\"quire_pat_Zz0_-Z\"}")).isTrue();
        assertThat(MarkdownDocs.matches("key_01M7Z48V1TWM309YFSTVXA2SZN", "key_01M94ABCDEFGHJKMNPQRSTVWXY")).isTrue();
        assertThat(MarkdownDocs.matches("\"secret\":\"" + key + "\"", "\"token\":\"" + key + "\"")).isFalse();
        // a step that prints nothing must be shown printing nothing
        assertThat(MarkdownDocs.matches("", "204")).isFalse();
    }

    @Test
    void headingsGetGitHubsAnchors() {
        assertThat(MarkdownDocs.slug("What `mvn verify` needs")).isEqualTo("what-mvn-verify-needs");
        assertThat(MarkdownDocs.slug("On Tomcat 10.1 or 11")).isEqualTo("on-tomcat-101-or-11");
        assertThat(MarkdownDocs.slug("Idempotency-Key")).isEqualTo("idempotency-key");
        assertThat(MarkdownDocs.slug("Books and reviews: the rules")).isEqualTo("books-and-reviews-the-rules");
    }

    private static List<String> walkthroughNames(String file) {
        return DOCUMENTS.stream().filter(d -> d.file().equals(Path.of(file))).flatMap(d -> d.walkthroughs().stream())
                .map(MarkdownDocs.Walkthrough::name).toList();
    }
}
