package dev.quire.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.support.Http;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TestSmtp;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mail in the real application (AppBootstrap's wiring, its settings, its /metrics), in the embedded Jetty on H2. Until
 * a route sends mail, a test writes the mail to the server's database itself, as a service would in its transaction;
 * the server's sender finds it by its poll.
 */
class MailDeliveryTest {
    private static final Duration FAST = Duration.ofMillis(200);

    private TestSmtp smtp;
    private TestServer server;
    private Database database;

    @AfterEach
    void stop() {
        if (database != null) {
            database.close();
        }
        if (server != null) {
            server.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void aMailCommittedToTheServersDatabaseIsDeliveredByItsSenderAndCounted() {
        smtp = TestSmtp.start();
        var testDatabase = TestDatabase.h2();
        var capture = StdoutCapture.install();
        int mark = capture.mark();
        server = TestServer.builder(testDatabase).smtp(smtp).setting("QUIRE_PUBLIC_URL", "https://quire.example.com")
                .mailRetry(FAST).start();

        commit(testDatabase, new Mail("ada@example.com", "Confirm your email",
                "Open https://quire.example.com/#/verify?token=abc\n"));
        var received = smtp.awaitMail("ada@example.com", Duration.ofSeconds(10));

        assertThat(received.subject()).isEqualTo("Confirm your email");
        assertThat(received.from()).isEqualTo(TestSmtp.FROM);
        assertThat(received.link()).isEqualTo("https://quire.example.com/#/verify?token=abc");
        var http = new Http(server);
        var metrics = capture.await(() -> {
            String body = http.get("/metrics").body();
            return sample(body, "quire_mails_sent_total") == 1 ? java.util.List.of(body) : java.util.List.of();
        }).get(0);
        assertThat(sample(metrics, "quire_mail_outbox_pending")).isZero();
        assertThat(sample(metrics, "quire_mails_failed_total")).isZero();
        assertThat(capture.linesSince(mark)).anyMatch(line -> line.contains("Mails are sent through smtp://127.0.0.1:"
                + smtp.port()) && line.contains("links start with https://quire.example.com"));
    }

    @Test
    void withoutAnSmtpServerTheServerLogsEachMailWithItsLinksAndCountsIt() {
        var testDatabase = TestDatabase.h2();
        var capture = StdoutCapture.install();
        int mark = capture.mark();
        server = TestServer.builder(testDatabase).mailRetry(FAST).contextPath("/quire").start();

        commit(testDatabase, new Mail("bob@example.com", "Reset your password",
                "Open http://localhost:8080/quire/#/reset?token=r3set within 30 minutes.\n"));
        var lines = capture.await(() -> capture.linesSince(mark).stream()
                .filter(line -> line.contains("bob@example.com")).toList());

        assertThat(lines.get(0)).contains("\"level\":\"INFO\"").contains("Reset your password")
                .contains("http://localhost:8080/quire/#/reset?token=r3set");
        assertThat(capture.linesSince(mark)).anyMatch(line -> line.contains("Mails are not sent (no QUIRE_SMTP_URL)")
                && line.contains("http://localhost:8080/quire"));
        var http = new Http(server);
        assertThat(sample(http.get("/metrics").body(), "quire_mails_logged_total")).isEqualTo(1);
        try (var reader = testDatabase.open()) {
            assertThat(new Jdbc(reader.dataSource()).one("select state, body from mail_outbox", statement -> { },
                    row -> row.getString(1) + "|" + row.getString(2)).orElseThrow()).isEqualTo("logged|");
        }
    }

    @Test
    void anSmtpServerWithoutAPublicUrlIsWarnedAboutAtTheStart() {
        smtp = TestSmtp.start();
        var capture = StdoutCapture.install();
        int mark = capture.mark();
        server = TestServer.builder(TestDatabase.h2()).smtp(smtp).start();

        assertThat(capture.linesSince(mark)).anyMatch(line -> line.contains("\"level\":\"WARN\"")
                && line.contains("QUIRE_SMTP_URL is set but QUIRE_PUBLIC_URL is not"));
    }

    @Test
    void aBadSmtpUrlStopsTheStartWithOneMessageThatNeverShowsThePassword() {
        var builder = TestServer.builder(TestDatabase.h2())
                .setting("QUIRE_SMTP_URL", "smtp://quire:hunter2@mail.example.com:587?starttls=sometimes")
                .setting("QUIRE_MAIL_FROM", TestSmtp.FROM);

        assertThatThrownBy(builder::start).isInstanceOf(TestServer.ServerStartException.class)
                .hasMessageContaining("QUIRE_SMTP_URL must be smtp://")
                .hasMessageNotContaining("hunter2");
    }

    /** Writes the mail in a transaction on the server's database, as a service would, from this test's pool. */
    private void commit(TestDatabase testDatabase, Mail mail) {
        database = testDatabase.open();
        new Jdbc(database.dataSource()).transaction(connection -> {
            new MailOutbox(Clock.systemUTC(), () -> { }).add(connection, mail);
            return null;
        });
    }

    private static final Pattern SAMPLE = Pattern.compile("(?m)^(\\w+)(\\{[^}]*})? (\\S+)$");

    private static double sample(String text, String name) {
        Matcher matcher = SAMPLE.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return Double.parseDouble(matcher.group(3));
            }
        }
        throw new AssertionError("No sample " + name + " in /metrics");
    }
}
