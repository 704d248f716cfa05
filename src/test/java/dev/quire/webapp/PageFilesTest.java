package dev.quire.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's own files keep the promises its Content-Security-Policy relies on: nothing from another origin
 * (the WAR is self-contained), no inline script or event-handler attributes, and no HTML parsed from strings;
 * and every form is sent with the values read before its controls are disabled (BrowserJourneysTest submits
 * each one; this catches a new form that reads its values the old way before a journey exists for it).
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

    @Test
    void sendEveryFormWithTheValuesReadBeforeItsControlsAreDisabled() throws IOException {
        // FormData leaves disabled controls out: values read after disabling are empty (every book form sent {})
        String dom = Files.readString(Path.of("webapp/js/dom.js"));
        String submitting = dom.substring(dom.indexOf("export async function whileSubmitting"));
        assertThat(submitting.indexOf("formValues(form)")).as("values read in whileSubmitting").isPositive()
                .isLessThan(submitting.indexOf("disabled = true"));
        assertThat(submitting).contains("work(values)");
        for (Path file : pageFiles()) {
            if (!file.toString().endsWith(".js") || file.endsWith("dom.js")) {
                continue;
            }
            String text = Files.readString(file);
            assertThat(text).as("%s: forms are read only through onSubmit's values", file)
                    .doesNotContain("new FormData", "formValues(", "whileSubmitting(")
                    .doesNotContainPattern("\\.elements\\.[A-Za-z]+\\.value")
                    .doesNotContainPattern("elements\\[[^\\]]*\\]\\.value");
            assertThat(count(text, "h('form'")).as("%s: every form submits through onSubmit", file)
                    .isEqualTo(count(text, "onsubmit: onSubmit("));
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
