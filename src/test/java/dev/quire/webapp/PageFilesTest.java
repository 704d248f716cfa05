package dev.quire.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's own files keep the promises its Content-Security-Policy relies on: nothing from another origin
 * (the WAR is self-contained), no inline script or event-handler attributes, and no HTML parsed from strings.
 */
class PageFilesTest {
    private static List<Path> pageFiles() throws IOException {
        try (var files = Files.walk(Path.of("webapp"))) {
            return files.filter(file -> file.toString().matches(".*\\.(html|js|css)$")).toList();
        }
    }

    @Test
    void loadNothingFromAnotherOrigin() throws IOException {
        assertThat(pageFiles()).isNotEmpty();
        for (Path file : pageFiles()) {
            assertThat(Files.readString(file)).as(file.toString())
                    .doesNotContainPattern("(src|href)=\"(https?:)?//")
                    .doesNotContainPattern("url\\((['\"])?(https?:)?//")
                    .doesNotContainPattern("import[^;]*from\\s+['\"](https?:)?//");
        }
    }

    @Test
    void haveNoInlineScriptAndNeverParseHtmlFromText() throws IOException {
        for (Path file : pageFiles()) {
            String text = Files.readString(file);
            assertThat(text).as(file.toString())
                    .doesNotContain("innerHTML", "outerHTML =", "insertAdjacentHTML", "document.write", "eval(");
            if (file.toString().endsWith(".html")) {
                assertThat(text).as(file.toString())
                        .doesNotContainPattern("<script(?![^>]*\\ssrc=)")
                        .doesNotContainPattern("\\son[a-z]+=")
                        .doesNotContainPattern("\\sstyle=");
            }
        }
    }
}
