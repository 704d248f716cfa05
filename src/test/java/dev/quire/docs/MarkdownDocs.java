package dev.quire.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * README.md and docs/*.md as the tests read them: fenced code blocks, the walkthroughs marked in them, links and
 * heading anchors. The walkthrough convention is docs/TESTING.md's:
 * <ul>
 * <li>{@code <!-- walkthrough: NAME -->} opens a walkthrough and {@code <!-- /walkthrough -->} closes it;</li>
 * <li>inside, each {@code ```sh} block is a step, run in order in one shell;</li>
 * <li>the {@code ```json} or {@code ```text} block that follows a step (prose may stand between) is what the step
 * prints; a step without one prints nothing. No other kind of block may stand in a walkthrough.</li>
 * </ul>
 */
final class MarkdownDocs {
    /** Where the documented Quire runs; a walkthrough test puts its server's address in its place. */
    static final String DOCUMENTED_BASE = "http://localhost:8080";
    /**
     * Stands in a command for a token that only a mail carries (a verification or reset link's): a block with it
     * cannot run unattended, so it may stand outside a walkthrough.
     */
    static final String MAILED_TOKEN = "TOKEN_FROM_THE_MAIL";

    /** A fence of three or more backticks with its info string's first word; it closes at as many backticks. */
    private static final Pattern FENCE = Pattern.compile("^(`{3,})\\s*([A-Za-z0-9_+-]*).*$");
    private static final Pattern OPEN = Pattern.compile("^<!--\\s*walkthrough:\\s*([A-Za-z0-9_-]+)\\s*-->\\s*$");
    private static final Pattern CLOSE = Pattern.compile("^<!--\\s*/walkthrough\\s*-->\\s*$");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");

    private MarkdownDocs() {}

    /** A fenced block: its info string's first word, its first line's number (the fence's), its text. */
    record Block(Path file, int line, String language, String text) {
        String where() {
            return file + ":" + line;
        }
    }

    /** A step of a walkthrough: its commands and the output the document shows for them ("" for none). */
    record Step(Block commands, Block shown) {
        String shownText() {
            return shown == null ? "" : shown.text();
        }
    }

    record Walkthrough(Path file, String name, int line, List<Step> steps) {
        @Override
        public String toString() {
            return file + ": " + name;
        }
    }

    /** What a Markdown file holds, in order. */
    record Document(Path file, List<String> lines, List<Block> blocks, List<Walkthrough> walkthroughs,
            List<String> problems, Set<String> anchors, List<Link> links) {}

    /** A link or image reference outside code: the line it is on and its target as written. */
    record Link(Path file, int line, String target) {}

    /** README.md and every Markdown file under docs/, from the project directory (where Maven runs the tests). */
    static List<Document> all() {
        var files = new ArrayList<Path>();
        files.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files.stream().map(MarkdownDocs::read).toList();
    }

    static Document read(Path file) {
        try {
            return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Document parse(Path file, List<String> lines) {
        var blocks = new ArrayList<Block>();
        var walkthroughs = new ArrayList<Walkthrough>();
        var problems = new ArrayList<String>();
        var anchors = new LinkedHashSet<String>();
        var slugCounts = new HashMap<String, Integer>();
        var links = new ArrayList<Link>();

        String walkthrough = null;
        int walkthroughLine = 0;
        List<Step> steps = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher fence = FENCE.matcher(line);
            if (fence.matches()) {
                int start = i;
                var closing = Pattern.compile("^`{" + fence.group(1).length() + ",}\\s*$");
                var text = new StringBuilder();
                while (++i < lines.size() && !closing.matcher(lines.get(i)).matches()) {
                    text.append(lines.get(i)).append('\n');
                }
                if (i == lines.size()) {
                    problems.add(file + ":" + (start + 1) + ": a code block that is never closed");
                }
                var block = new Block(file, start + 1, fence.group(2), text.toString());
                blocks.add(block);
                if (steps != null) {
                    switch (block.language()) {
                        case "sh" -> steps.add(new Step(block, null));
                        case "json", "text" -> {
                            if (steps.isEmpty() || steps.get(steps.size() - 1).shown() != null) {
                                problems.add(block.where() + ": output that follows no command (walkthrough "
                                        + walkthrough + ")");
                            } else {
                                steps.set(steps.size() - 1, new Step(steps.get(steps.size() - 1).commands(), block));
                            }
                        }
                        default -> problems.add(block.where() + ": a ```" + block.language()
                                + " block in walkthrough " + walkthrough + " (only ```sh steps and their ```json or"
                                + " ```text output belong there)");
                    }
                }
                continue;
            }
            Matcher open = OPEN.matcher(line);
            if (open.matches()) {
                if (steps != null) {
                    problems.add(file + ":" + (i + 1) + ": walkthrough " + open.group(1) + " opens inside "
                            + walkthrough);
                }
                walkthrough = open.group(1);
                walkthroughLine = i + 1;
                steps = new ArrayList<>();
                continue;
            }
            if (CLOSE.matcher(line).matches()) {
                if (steps == null) {
                    problems.add(file + ":" + (i + 1) + ": a walkthrough closes that was never opened");
                } else {
                    if (steps.isEmpty()) {
                        problems.add(file + ":" + walkthroughLine + ": walkthrough " + walkthrough + " has no steps");
                    }
                    walkthroughs.add(new Walkthrough(file, walkthrough, walkthroughLine, List.copyOf(steps)));
                }
                steps = null;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int seen = slugCounts.merge(slug, 1, Integer::sum);
                anchors.add(seen == 1 ? slug : slug + "-" + (seen - 1));
            }
            Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (link.find()) {
                links.add(new Link(file, i + 1, link.group(1)));
            }
        }
        if (steps != null) {
            problems.add(file + ":" + walkthroughLine + ": walkthrough " + walkthrough + " is never closed");
        }
        var names = new HashMap<String, Integer>();
        walkthroughs.forEach(w -> {
            if (names.put(w.name(), w.line()) != null) {
                problems.add(file + ":" + w.line() + ": a second walkthrough named " + w.name());
            }
        });
        return new Document(file, List.copyOf(lines), List.copyOf(blocks), List.copyOf(walkthroughs),
                List.copyOf(problems), Set.copyOf(anchors), List.copyOf(links));
    }

    /** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = CODE_SPAN.matcher(heading).replaceAll(m -> Matcher.quoteReplacement(
                m.group().replace("`", "")));
        // a link in a heading keeps its text only
        text = text.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    /**
     * Output as the comparison sees it, the document's and the real one alike: line breaks as \n, no trailing
     * spaces, no leading or trailing blank lines, and what differs from run to run replaced by a placeholder:
     * <ul>
     * <li>bearer tokens ({@code ses_…}{@code .secret}) by {@code <token>};</li>
     * <li>paging cursors, as {@code cursor=} values and {@code "nextCursor"} strings, by {@code <cursor>};</li>
     * <li>ids Quire assigns ({@code acct_}, {@code ses_}, {@code todo_}, {@code book_}, {@code rev_} and 26 base32
     * characters) by {@code <id>} after their prefix; the demo catalogue's fixed ids ({@code book_0000…}) are kept;</li>
     * <li>ISO-8601 times ({@code 2026-11-21T13:01:19.664Z}) by {@code <time>}, HTTP dates ({@code Date:}) by
     * {@code <http-date>};</li>
     * <li>request ids (32 hexadecimal digits) by {@code <request-id>};</li>
     * <li>{@code Content-Length} values, which follow the length of the times above, by {@code <length>}.</li>
     * </ul>
     */
    static String masked(String output) {
        String text = output.replace("\r\n", "\n").replaceAll("[ \\t]+(?=\n|$)", "");
        text = text.replaceAll("\\bses_[0-9A-Z]{26}\\.[A-Za-z0-9_-]+", "<token>");
        text = text.replaceAll("(cursor=)[A-Za-z0-9_-]+", "$1<cursor>");
        text = text.replaceAll("(\"nextCursor\":\")[^\"]+\"", "$1<cursor>\"");
        text = text.replaceAll("\\bquire_pat_[A-Za-z0-9_-]{54}(?![A-Za-z0-9_-])", "<api-key>");
        text = text.replaceAll("\\bquire_pat_[A-Za-z0-9_-]{6}(?![A-Za-z0-9_-])", "<api-key-prefix>");
        text = text.replaceAll("\\b(acct|ses|todo|book|rev|key)_(?!0{10})[0-9A-Z]{26}\\b", "$1_<id>");
        text = text.replaceAll("\\b\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?Z", "<time>");
        text = text.replaceAll("\\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT",
                "<http-date>");
        text = text.replaceAll("\\b[0-9a-f]{32}\\b", "<request-id>");
        text = text.replaceAll("(?im)^(Content-Length:) \\d+$", "$1 <length>");
        return text.replaceAll("^\n+|\n+$", "");
    }

    /**
     * Whether a step's real output is what the document shows, both {@link #masked}; in the document's, "…" stands
     * for any text (none, or several lines).
     */
    static boolean matches(String shown, String printed) {
        String[] parts = masked(shown).split("…", -1);
        var regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("[\\s\\S]*?");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString()).matcher(masked(printed)).matches();
    }

    /** The relative links of a document that lead nowhere: a missing file, or a missing heading in a Markdown file. */
    static List<String> brokenLinks(Document document, Map<Path, Document> byFile) {
        var broken = new ArrayList<String>();
        for (Link link : document.links()) {
            String target = link.target();
            if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                continue;   // http:, https:, mailto:
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? null : target.substring(hash + 1);
            Path file = path.isEmpty() ? document.file()
                    : document.file().toAbsolutePath().getParent().resolve(path).normalize();
            Path relative = Path.of("").toAbsolutePath().relativize(file.toAbsolutePath());
            String where = link.file() + ":" + link.line() + ": " + target;
            if (relative.startsWith(Path.of("docs", "screenshots")) && !Files.isDirectory(Path.of("docs", "screenshots"))) {
                continue;   // the screenshots are made apart from the documents; checked once they are there
            }
            if (!Files.exists(file)) {
                broken.add(where + " (no such file)");
            } else if (anchor != null) {
                Document linked = byFile.get(relative);
                if (linked == null) {
                    broken.add(where + " (an anchor in a file that is not one of the documents)");
                } else if (!linked.anchors().contains(anchor)) {
                    broken.add(where + " (no such heading in " + relative + ")");
                }
            }
        }
        return broken;
    }
}
