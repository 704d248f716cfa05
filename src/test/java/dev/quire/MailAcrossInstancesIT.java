package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.mail.Mail;
import dev.quire.mail.MailOutbox;
import dev.quire.support.Container;
import dev.quire.support.Container.Distribution;
import dev.quire.support.ContainerOutputOnFailure;
import dev.quire.support.PostgresServer;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestSmtp;
import dev.quire.support.TlsFront;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mail outbox's guarantees with real container processes on one PostgreSQL: two instances (Jetty 12 and
 * Tomcat 10.1) share the outbox and send each mail once; an instance killed with SIGKILL in the middle of a send, or
 * with mails committed that it had not yet sent, loses none of them: they are delivered after the restart, once.
 *
 * <p>Until a route sends mail, the test writes the mails to the database itself, in transactions of its own, as a
 * service would: the instances' senders find them by their poll (every 5 s).
 *
 * <p>Also here, as it needs a JVM of its own: TLS from the first byte to a server whose certificate the operator's
 * trust store holds ({@code -Djavax.net.ssl.trustStore}, as DEPLOY.md says), checked against the host.
 */
@ExtendWith(ContainerOutputOnFailure.class)
class MailAcrossInstancesIT {
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(\\w+)(\\{[^}]*})? (\\S+)$");

    private TestSmtp smtp;
    private Database database;
    private Jdbc jdbc;
    private Map<String, String> settings;

    @BeforeEach
    void start() {
        smtp = TestSmtp.start();
        var testDatabase = new TestDatabase("postgresql", PostgresServer.shared().createDatabase());
        database = testDatabase.open();
        jdbc = new Jdbc(database.dataSource());
        settings = new HashMap<>(testDatabase.settings());
        settings.putAll(smtp.settings());
        settings.put("QUIRE_PUBLIC_URL", "https://quire.example.com");
    }

    @AfterEach
    void stop() {
        database.close();
        smtp.close();
    }

    @Test
    void twoInstancesOnOneDatabaseSendEachMailOnce() throws Exception {
        var jetty = CompletableFuture.supplyAsync(() -> Container.start(Distribution.JETTY_12, settings));
        var tomcat = CompletableFuture.supplyAsync(() -> Container.start(Distribution.TOMCAT_10_1, settings));
        try (var a = jetty.get(3, TimeUnit.MINUTES); var b = tomcat.get(3, TimeUnit.MINUTES)) {
            int mails = 200;
            long committed = System.nanoTime();
            for (int batch = 0; batch < 4; batch++) {
                int first = batch * 50;
                commit(java.util.stream.IntStream.range(first, first + 50)
                        .mapToObj(i -> new Mail("user" + i + "@example.com", "Mail " + i,
                                "Open https://quire.example.com/#/verify?token=" + i + "\n"))
                        .toList());
            }
            awaitTrue(() -> smtp.received().size() >= mails, Duration.ofSeconds(90));
            long allReceivedMillis = (System.nanoTime() - committed) / 1_000_000;
            // longer than a poll: a second copy would have come by now
            Thread.sleep(6_000);

            assertThat(smtp.received()).hasSize(mails);
            assertThat(smtp.received()).extracting(TestSmtp.Received::to).doesNotHaveDuplicates();
            for (int i = 0; i < mails; i++) {
                assertThat(smtp.receivedFor("user" + i + "@example.com").get(0).text().strip())
                        .isEqualTo("Open https://quire.example.com/#/verify?token=" + i);
            }
            double byJetty = sample(a.http().get("/metrics").body(), "quire_mails_sent_total");
            double byTomcat = sample(b.http().get("/metrics").body(), "quire_mails_sent_total");
            System.out.printf("two instances: %d mails received once each in %d ms; Jetty sent %d, Tomcat %d%n",
                    mails, allReceivedMillis, (long) byJetty, (long) byTomcat);
            assertThat(byJetty + byTomcat).isEqualTo(mails);
            assertThat(jdbc.list("select state, attempts, count(*) from mail_outbox group by state, attempts",
                    statement -> { }, row -> row.getString(1) + "|" + row.getInt(2) + "|" + row.getLong(3)))
                    .containsExactly("sent|1|" + mails);
        }
    }

    @Test
    void mailsCommittedBeforeAKillAreDeliveredAfterTheRestartOnce() throws Exception {
        // the SMTP server takes connections and never answers: the instance's sender is stuck in its first send
        smtp.stall();
        try (var first = Container.start(Distribution.JETTY_12, settings)) {
            commit(List.of(new Mail("claimed@example.com", "Confirm your email", "Open https://quire.example.com/1\n")));
            awaitTrue(() -> smtp.stalledConnections() >= 1, Duration.ofSeconds(30));
            // the sender holds the mail's row: another claim skips it
            assertThat(claimable("claimed@example.com")).isFalse();
            // committed while the only sender is stuck: never attempted before the kill
            commit(List.of(new Mail("waiting@example.com", "Reset your password", "Open https://quire.example.com/2\n")));

            first.killNow();
            // PostgreSQL ends the killed process's transaction when it sees its connection closed
            awaitTrue(() -> claimable("claimed@example.com"), Duration.ofSeconds(10));
            assertThat(states()).containsExactly("claimed@example.com|pending|0", "waiting@example.com|pending|0");
            smtp.available();

            long restarted = System.nanoTime();
            try (var second = first.startAgain()) {
                smtp.awaitMail("claimed@example.com", Duration.ofSeconds(60));
                smtp.awaitMail("waiting@example.com", Duration.ofSeconds(60));
                long deliveredMillis = (System.nanoTime() - restarted) / 1_000_000;
                Thread.sleep(6_000);

                assertThat(smtp.received()).extracting(TestSmtp.Received::to)
                        .containsExactlyInAnyOrder("claimed@example.com", "waiting@example.com");
                assertThat(states()).containsExactly("claimed@example.com|sent|1", "waiting@example.com|sent|1");
                System.out.printf("after kill -9: both mails delivered once, %d ms after the restart began%n",
                        deliveredMillis);
            }
        }
    }

    @Test
    void overTlsFromTheFirstByteAMailIsDeliveredToAServerTheJvmTrustsUnderTheNameItsCertificateHolds()
            throws Exception {
        try (var tls = TlsFront.start(smtp.port())) {
            settings.put("QUIRE_SMTP_URL", "smtps://127.0.0.1:" + tls.port());
            var launcher = Container.launcher(Distribution.JETTY_12)
                    .jvmOption("-Djavax.net.ssl.trustStore=" + tls.trustStore())
                    .jvmOption("-Djavax.net.ssl.trustStorePassword=" + TlsFront.PASSWORD)
                    .jvmOption("-Djavax.net.ssl.trustStoreType=PKCS12");
            try (var container = launcher.start(settings)) {
                commit(List.of(new Mail("ada@example.com", "Confirm your email", "Open https://quire.example.com/1\n")));

                var received = smtp.awaitMail("ada@example.com", Duration.ofSeconds(30));

                assertThat(received.subject()).isEqualTo("Confirm your email");
                assertThat(container.lines()).anyMatch(line -> line.contains("Mails are sent through smtps://127.0.0.1:"
                        + tls.port()));
                awaitTrue(() -> states().equals(List.of("ada@example.com|sent|1")), Duration.ofSeconds(10));
            }
            // the same trusted certificate, reached by a name it does not hold: nothing is sent
            settings.put("QUIRE_SMTP_URL", "smtps://localhost:" + tls.port());
            try (var container = launcher.start(settings)) {
                commit(List.of(new Mail("bob@example.com", "Confirm your email", "Open https://quire.example.com/2\n")));

                awaitTrue(() -> states().contains("bob@example.com|pending|1"), Duration.ofSeconds(30));

                assertThat(smtp.receivedFor("bob@example.com")).isEmpty();
                String error = jdbc.one("select last_error from mail_outbox where recipient = 'bob@example.com'",
                        statement -> { }, row -> row.getString(1)).orElseThrow();
                System.out.println("smtps://localhost: " + error);
                assertThat(error).contains("SSLHandshakeException").contains("localhost");
            }
        }
    }

    private void commit(List<Mail> mails) {
        var outbox = new MailOutbox(Clock.systemUTC(), () -> { });
        jdbc.transaction(connection -> {
            for (Mail mail : mails) {
                outbox.add(connection, mail);
            }
            return null;
        });
    }

    /** Whether a sender could claim the recipient's mail now (no one holds its row). */
    private boolean claimable(String recipient) {
        return jdbc.transaction(connection -> Jdbc.one(connection,
                "select id from mail_outbox where recipient = ? for update skip locked",
                statement -> statement.setString(1, recipient), row -> row.getLong(1)).isPresent());
    }

    private List<String> states() {
        return jdbc.list("select recipient, state, attempts from mail_outbox order by recipient", statement -> { },
                row -> row.getString(1) + "|" + row.getString(2) + "|" + row.getInt(3));
    }

    private static double sample(String text, String name) {
        Matcher matcher = SAMPLE.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return Double.parseDouble(matcher.group(3));
            }
        }
        throw new AssertionError("No sample " + name + " in /metrics");
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("The condition did not hold within " + limit);
            }
            Thread.sleep(50);
        }
    }
}
