package dev.quire.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.docs.MarkdownDocs.Step;
import dev.quire.docs.MarkdownDocs.Walkthrough;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every walkthrough in README.md and docs/ (the convention is docs/TESTING.md's), run as a reader would paste it:
 * its steps in order in one bash process (so the variables one step sets are there for the next), with
 * {@code set -euo pipefail}, against a fresh Quire as {@code mvn jetty:run} starts it (H2, the demo catalogue, the
 * default limits, the production password hashing) at the address the document calls http://localhost:8080. A step
 * that exits non-zero, or prints other than what the document shows (compared as {@link MarkdownDocs#matches} says,
 * after masking ids, tokens, cursors, times and request ids), fails the walkthrough.
 */
class WalkthroughIT {
    private static final Pattern MARKER = Pattern.compile("\n?@@walkthrough-step-(\\d+|end)@@\n");
    private static final long TIMEOUT_SECONDS = 120;

    @TestFactory
    Stream<DynamicTest> everyWalkthroughRunsAndPrintsWhatItsDocumentShows() {
        var walkthroughs = MarkdownDocs.all().stream().flatMap(document -> document.walkthroughs().stream()).toList();
        assertThat(walkthroughs).as("walkthroughs in README.md and docs/").isNotEmpty();
        return walkthroughs.stream().map(walkthrough -> DynamicTest.dynamicTest(walkthrough.toString(),
                () -> run(walkthrough)));
    }

    private static void run(Walkthrough walkthrough) throws IOException, InterruptedException {
        // the documented defaults: TestServer's own (no demo data, no rate limits, cheap hashing) suit suites, not this
        try (var server = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_DEMO_DATA", "true")
                .setting("QUIRE_RATE_LIMIT", "")
                .setting("QUIRE_SIGNUP_LIMIT", "")
                .productionHashCost()
                .start()) {
            String base = server.uri("").toString();
            Path dir = Files.createTempDirectory("quire-walkthrough");
            try {
                runIn(dir, walkthrough, base);
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** Runs the walkthrough in one bash process in {@code dir}, its working and home directory. */
    private static void runIn(Path dir, Walkthrough walkthrough, String base) throws IOException, InterruptedException {
        Path script = dir.resolve("walkthrough.sh");
        Path output = dir.resolve("output.txt");
        Files.writeString(script, script(walkthrough, base), StandardCharsets.UTF_8);
        var process = new ProcessBuilder("bash", "--noprofile", "--norc", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // nothing of the shell that runs the tests: no ~/.curlrc, no exported variables
        process.environment().clear();
        process.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        process.environment().put("HOME", dir.toString());
        process.environment().put("TMPDIR", dir.toString());
        process.environment().put("LANG", "C.UTF-8");

        var running = process.start();
        boolean finished = running.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            running.destroyForcibly().waitFor();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8).replace(base, MarkdownDocs.DOCUMENTED_BASE);
        List<String> failures = compare(walkthrough, printed, finished ? running.exitValue() : -1);
        assertThat(failures).as("%s (%s:%d)", walkthrough.name(), walkthrough.file(), walkthrough.line())
                .withFailMessage(() -> String.join("\n\n", failures))
                .isEmpty();
    }

    /** One script: each step's commands after a marker line, the documented address replaced by the server's. */
    private static String script(Walkthrough walkthrough, String base) {
        var script = new StringBuilder("set -euo pipefail\n");
        for (int i = 0; i < walkthrough.steps().size(); i++) {
            script.append("printf '\\n@@walkthrough-step-").append(i).append("@@\\n'\n")
                    .append(walkthrough.steps().get(i).commands().text().replace(MarkdownDocs.DOCUMENTED_BASE, base));
        }
        return script.append("printf '\\n@@walkthrough-step-end@@\\n'\n").toString();
    }

    /** What went wrong, step by step: a different output, or the step the shell stopped in. */
    private static List<String> compare(Walkthrough walkthrough, String printed, int exitCode) {
        var failures = new ArrayList<String>();
        var outputs = new ArrayList<String>();
        Matcher marker = MARKER.matcher(printed);
        int from = -1;
        boolean ended = false;
        while (marker.find()) {
            if (from >= 0) {
                outputs.add(printed.substring(from, marker.start()));
            }
            from = marker.end();
            ended = marker.group(1).equals("end");
        }
        if (!ended && from >= 0) {
            outputs.add(printed.substring(from));
        }
        for (int i = 0; i < outputs.size(); i++) {
            Step step = walkthrough.steps().get(i);
            boolean stoppedHere = !ended && i == outputs.size() - 1;
            if (stoppedHere || !MarkdownDocs.matches(step.shownText(), outputs.get(i))) {
                failures.add(describe(walkthrough, i, step, outputs.get(i), stoppedHere
                        ? (exitCode < 0 ? "still running after " + TIMEOUT_SECONDS + " s" : "exited with " + exitCode)
                        : "printed other than the document shows"));
            }
        }
        if (outputs.isEmpty()) {
            failures.add("The shell ran no step (exit " + exitCode + "):\n" + printed);
        }
        return failures;
    }

    private static String describe(Walkthrough walkthrough, int index, Step step, String printed, String what) {
        return "Step " + (index + 1) + " of walkthrough " + walkthrough.name() + " (" + step.commands().where() + ") "
                + what + ".\n"
                + "--- the step\n" + step.commands().text()
                + "--- the document shows" + (step.shown() == null ? " nothing" : " (" + step.shown().where() + ")")
                + "\n" + step.shownText()
                + "--- it printed\n" + printed + (printed.endsWith("\n") ? "" : "\n")
                + "--- both as compared (masked; … in the document's stands for any text)\n"
                + MarkdownDocs.masked(step.shownText()) + "\n---\n" + MarkdownDocs.masked(printed);
    }
}
