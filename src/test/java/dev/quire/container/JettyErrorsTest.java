package dev.quire.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.ClassMatcher;
import org.junit.jupiter.api.Test;

/**
 * What WEB-INF/jetty-ee10-web.xml installs in Jetty: it answers Jetty's own errors while Quire runs, is gone (Jetty
 * answering its own way again) once Quire's context stops, and comes back when it starts again, as a redeployment
 * does. And every Jetty type the package uses is one the web application's class loader is told to show it.
 */
class JettyErrorsTest {
    private static final RawHttp.Writer AMBIGUOUS = out -> out.write(RawHttp.ascii(
            "GET //api/books HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: ambiguous-1\r\nConnection: close\r\n\r\n"));
    private static final RawHttp.Writer ENTRY_POINT = out -> out.write(RawHttp.ascii(
            "GET /api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));

    @Test
    void answersJettysErrorsWhileQuireRunsAndLeavesNothingBehindWhenItStops() throws Exception {
        try (var server = TestServer.builder(TestDatabase.h2()).start()) {
            var jetty = server.jetty();
            var webapp = jetty.getDescendant(WebAppContext.class);
            var http = jetty.getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();

            assertQuireAnswers(server);
            assertThat(http.getSendServerVersion()).isFalse();

            webapp.stop();

            assertThat(jetty.getErrorHandler().getClass().getName()).doesNotStartWith("dev.quire");
            assertThat(webapp.getErrorHandler().getClass().getName()).doesNotStartWith("dev.quire");
            assertThat(http.getSendServerVersion()).as("as the test server had it").isTrue();
            var jettys = RawHttp.exchange(server, AMBIGUOUS);
            assertThat(jettys.status()).isEqualTo(400);
            assertThat(jettys.header("Content-Type")).startsWith("text/html");
            assertThat(jettys.header("Server")).startsWith("Jetty");

            webapp.start();

            assertQuireAnswers(server);
        }
    }

    @Test
    void everyJettyTypeThePackageUsesIsShownToTheWebApplication() {
        var shown = new ClassMatcher(JettyErrors.JETTY_TYPES.toArray(String[]::new));
        List<String> used = jettyTypesUsed();

        assertThat(used).as("the dependency scan works").contains("org.eclipse.jetty.server.Request$Handler");
        assertThat(used).allSatisfy(type -> assertThat(shown.match(type)).as(type).isTrue());
    }

    private static void assertQuireAnswers(TestServer server) {
        var refused = RawHttp.exchange(server, AMBIGUOUS);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(refused.header("X-Request-Id")).isEqualTo("ambiguous-1");
        assertThat(refused.body()).contains("\"requestId\":\"ambiguous-1\"").doesNotContain("<html");
        assertThat(refused.header("Server")).isNull();
        assertThat(RawHttp.exchange(server, ENTRY_POINT).header("Server")).isNull();
    }

    /** The org.eclipse.jetty classes that dev.quire.container's classes refer to, as jdeps reads the bytecode. */
    private static List<String> jettyTypesUsed() {
        var jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        var out = new ByteArrayOutputStream();
        int exit = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "-verbose:class",
                Path.of("target", "classes").toString());
        assertThat(exit).as("jdeps").isZero();
        var dependency = Pattern.compile("\\s*dev\\.quire\\.container\\.\\S+\\s+->\\s+(org\\.eclipse\\.jetty\\.\\S+).*");
        return out.toString(StandardCharsets.UTF_8).lines()
                .map(dependency::matcher)
                .filter(java.util.regex.Matcher::matches)
                .map(match -> match.group(1))
                .distinct()
                .toList();
    }
}
