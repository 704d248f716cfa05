package dev.quire.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.db.Database;
import dev.quire.db.Jdbc;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestSmtp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sender on a migrated H2 database (and on PostgreSQL: {@link MailSenderPostgresTest}), delivering to a real
 * SMTP server (GreenMail) through Jakarta Mail: mails of committed transactions arrive, once; mails of rolled-back ones
 * never; a server that is away is retried with backoff until it is back, or until the last attempt; without a
 * server, mails are logged with their links.
 */
class MailSenderTest {
    /** Short waits, so retries take a second, not minutes; a long poll where only the wake-up may send. */
    private static final MailSender.Schedule FAST = new MailSender.Schedule(Duration.ofMillis(200),
            Duration.ofMillis(200), Duration.ofMillis(800), 10, Duration.ofDays(7), Duration.ofHours(1));
    private static final MailSender.Schedule WAKE_ONLY = new MailSender.Schedule(Duration.ofMinutes(10),
            Duration.ofMillis(200), Duration.ofMillis(800), 10, Duration.ofDays(7), Duration.ofHours(1));

    private Database database;
    private Jdbc jdbc;
    private TestSmtp smtp;
    private final List<AutoCloseable> senders = new ArrayList<>();

    TestDatabase testDatabase() {
        return TestDatabase.h2();
    }

    @BeforeEach
    void open() {
        database = testDatabase().open();
        jdbc = new Jdbc(database.dataSource());
        smtp = TestSmtp.start();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable sender : senders) {
            sender.close();
        }
        smtp.close();
        database.close();
    }

    @Test
    void aCommittedMailIsDeliveredSoonAfterItsCommitOnce() {
        var registry = new SimpleMeterRegistry();
        var sender = sender(smtpSettings(), WAKE_ONLY, registry);
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

        long committed = add(outbox, new Mail("ada@example.com", "Confirm your email",
                "Hello Ada,\n\nopen https://quire.example.com/#/verify?token=abc to confirm.\n"));
        var received = smtp.awaitMail("ada@example.com", Duration.ofSeconds(10));
        long latencyMillis = (System.nanoTime() - committed) / 1_000_000;

        assertThat(received.subject()).isEqualTo("Confirm your email");
        assertThat(received.from()).isEqualTo(TestSmtp.FROM);
        assertThat(received.text()).contains("https://quire.example.com/#/verify?token=abc");
        System.out.println("mail received " + latencyMillis + " ms after its commit");
        assertThat(latencyMillis).isLessThan(5_000);
        awaitTrue(() -> rows().equals(List.of("ada@example.com|sent|1||true")));
        assertThat(registry.counter("quire.mails.sent").count()).isEqualTo(1);
        sleep(500);
        assertThat(smtp.receivedFor("ada@example.com")).hasSize(1);
    }

    @Test
    void aMailOfATransactionThatRolledBackIsNeverSent() {
        var sender = sender(smtpSettings(), WAKE_ONLY, new SimpleMeterRegistry());
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

        assertThatThrownBy(() -> jdbc.transaction(connection -> {
            outbox.add(connection, new Mail("eve@example.com", "Reset your password", "a link"));
            throw new SQLException("the change fails after its mail was written");
        })).hasMessageContaining("the change fails");
        outbox.committed();
        // a later mail that does commit: once it has arrived, the sender has had its chance at the first
        add(outbox, new Mail("ada@example.com", "Confirm your email", "a link"));
        smtp.awaitMail("ada@example.com", Duration.ofSeconds(10));

        assertThat(smtp.received()).extracting(TestSmtp.Received::to).containsExactly("ada@example.com");
    }

    @Test
    void whileTheServerIsAwayAMailIsRetriedWithBackoffThenDeliveredOnceItIsBack() {
        var registry = new SimpleMeterRegistry();
        var sender = sender(smtpSettings(), FAST, registry);
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);
        smtp.unavailable();

        add(outbox, new Mail("ada@example.com", "Confirm your email", "a link"));
        awaitTrue(() -> attempts() >= 3);
        var pending = jdbc.one("select state, last_error, next_attempt_at from mail_outbox", statement -> { },
                row -> row.getString(1) + "|" + row.getString(2)).orElseThrow();
        assertThat(pending).startsWith("pending|").contains("Connect");
        assertThat(registry.counter("quire.mail.attempts.failed").count()).isGreaterThanOrEqualTo(3);
        awaitTrue(() -> registry.get("quire.mail.outbox.pending").gauge().value() == 1);

        smtp.available();
        var received = smtp.awaitMail("ada@example.com", Duration.ofSeconds(10));

        assertThat(received.subject()).isEqualTo("Confirm your email");
        awaitTrue(() -> state().equals("sent"));
        sleep(600);
        assertThat(smtp.receivedFor("ada@example.com")).hasSize(1);
        assertThat(registry.counter("quire.mails.sent").count()).isEqualTo(1);
        awaitTrue(() -> registry.get("quire.mail.outbox.pending").gauge().value() == 0);
    }

    @Test
    void theWaitBetweenAttemptsDoublesUpToItsLongest() {
        var schedule = MailSender.Schedule.DEFAULT;

        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).extracting(schedule::backoff).extracting(Duration::toSeconds)
                .containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 900L, 900L, 900L);
    }

    @Test
    void aMailIsGivenUpAfterTheLastAttempt() {
        var registry = new SimpleMeterRegistry();
        var threeAttempts = new MailSender.Schedule(FAST.poll(), FAST.firstRetry(), FAST.maxRetry(), 3,
                FAST.retention(), FAST.purgeEvery());
        var sender = sender(smtpSettings(), threeAttempts, registry);
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);
        smtp.unavailable();

        add(outbox, new Mail("ada@example.com", "Confirm your email", "a link with a token"));
        awaitTrue(() -> state().equals("failed"));

        assertThat(rows()).containsExactly("ada@example.com|failed|3||false");
        assertThat(registry.counter("quire.mails.failed").count()).isEqualTo(1);
        sleep(600);
        assertThat(attempts()).isEqualTo(3);
    }

    @Test
    void aRecipientThatIsNotAnAddressIsGivenUpAtOnce() {
        var sender = sender(smtpSettings(), FAST, new SimpleMeterRegistry());
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

        add(outbox, new Mail("not an address", "Confirm your email", "a link"));
        awaitTrue(() -> state().equals("failed"));

        assertThat(attempts()).isEqualTo(1);
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void anAddressWithANameAndAnotherAddressInItIsGivenUpAtOnce() {
        // one "@", no white space: a valid account email, but a mail system reads a name and another address
        var sender = sender(smtpSettings(), FAST, new SimpleMeterRegistry());
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

        add(outbox, new Mail("x<attacker@evil.example>", "Confirm your email", "a link"));
        awaitTrue(() -> state().equals("failed"));

        assertThat(attempts()).isEqualTo(1);
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void logsInWithTheUserAndPasswordOfTheUrlAndRetriesWhenTheLoginFails() {
        try (var secured = TestSmtp.startWithLogin("quire", "s3cret-Pass")) {
            var sender = sender(new MailSettings(SmtpSettings.parse(secured.url()), TestSmtp.FROM, null), WAKE_ONLY,
                    new SimpleMeterRegistry());
            var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);
            add(outbox, new Mail("ada@example.com", "Confirm your email", "a link"));
            assertThat(secured.awaitMail("ada@example.com", Duration.ofSeconds(10)).subject())
                    .isEqualTo("Confirm your email");
            // this sender would send the next mail too, were it still there
            awaitTrue(() -> state().equals("sent"));
            sender.close();

            String wrong = secured.url().replace("s3cret-Pass", "wrong");
            var refused = sender(new MailSettings(SmtpSettings.parse(wrong), TestSmtp.FROM, null), FAST,
                    new SimpleMeterRegistry());
            var refusedOutbox = new MailOutbox(Clock.systemUTC(), refused::wake);
            add(refusedOutbox, new Mail("bob@example.com", "Confirm your email", "a link"));
            awaitTrue(() -> jdbc.one("select attempts from mail_outbox where recipient = 'bob@example.com'",
                    statement -> { }, row -> row.getInt(1)).orElse(0) >= 2);

            assertThat(secured.receivedFor("bob@example.com")).isEmpty();
            assertThat(jdbc.one("select last_error from mail_outbox where recipient = 'bob@example.com'",
                    statement -> { }, row -> row.getString(1)).orElseThrow())
                    .contains("Authentication").doesNotContain("wrong");
        }
    }

    @Test
    void starttlsRequiredSendsNothingToAServerThatDoesNotOfferIt() {
        // GreenMail's SMTP does not offer STARTTLS: the default (STARTTLS when offered) sends in plain text, as the
        // other tests show; insisting on it sends nothing, and retries
        var sender = sender(new MailSettings(SmtpSettings.parse(smtp.url() + "?starttls=required"), TestSmtp.FROM,
                null), FAST, new SimpleMeterRegistry());
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

        add(outbox, new Mail("ada@example.com", "Confirm your email", "a link"));
        awaitTrue(() -> attempts() >= 2);

        assertThat(state()).isEqualTo("pending");
        assertThat(jdbc.one("select last_error from mail_outbox", statement -> { }, row -> row.getString(1))
                .orElseThrow()).contains("STARTTLS");
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void tlsFromTheFirstByteRefusesAServerWhoseCertificateIsNotTrusted() {
        try (var tls = TestSmtp.startTls()) {
            var sender = sender(new MailSettings(SmtpSettings.parse(tls.url()), TestSmtp.FROM, null), FAST,
                    new SimpleMeterRegistry());
            var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

            add(outbox, new Mail("ada@example.com", "Confirm your email", "a link"));
            awaitTrue(() -> attempts() >= 2);

            assertThat(state()).isEqualTo("pending");
            assertThat(jdbc.one("select last_error from mail_outbox", statement -> { }, row -> row.getString(1))
                    .orElseThrow()).containsIgnoringCase("certification path");
            assertThat(tls.received()).isEmpty();
        }
    }

    @Test
    void withoutAnSmtpServerEachMailIsLoggedWithItsLinksAndMarkedNotDelivered() {
        var capture = StdoutCapture.install();
        int mark = capture.mark();
        var registry = new SimpleMeterRegistry();
        var sender = sender(new MailSettings(null, MailSettings.DEVELOPMENT_FROM, null), WAKE_ONLY, registry);
        var outbox = new MailOutbox(Clock.systemUTC(), sender::wake);

        add(outbox, new Mail("ada@example.com", "Confirm your email",
                "Open http://localhost:8080/#/verify?token=t0ken within 24 hours.\n"));
        awaitTrue(() -> state().equals("logged"));

        var lines = capture.await(() -> capture.linesSince(mark).stream()
                .filter(line -> line.contains("ada@example.com")).toList());
        assertThat(lines.get(0)).contains("INFO").contains("Confirm your email")
                .contains("http://localhost:8080/#/verify?token=t0ken");
        assertThat(rows()).containsExactly("ada@example.com|logged|1||false");
        assertThat(registry.counter("quire.mails.logged").count()).isEqualTo(1);
        assertThat(registry.counter("quire.mails.sent").count()).isZero();
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void twoSendersOnOneDatabaseSendEachMailOnce() {
        var first = new SimpleMeterRegistry();
        var second = new SimpleMeterRegistry();
        var a = sender(smtpSettings(), FAST, first);
        var b = sender(smtpSettings(), FAST, second);
        var outbox = new MailOutbox(Clock.systemUTC(), () -> {
            a.wake();
            b.wake();
        });
        int mails = 60;

        jdbc.transaction(connection -> {
            for (int i = 0; i < mails; i++) {
                outbox.add(connection, new Mail("user" + i + "@example.com", "Mail " + i, "text " + i));
            }
            return null;
        });
        outbox.committed();
        awaitTrue(() -> smtp.received().size() >= mails);
        sleep(600);

        assertThat(smtp.received()).hasSize(mails);
        assertThat(smtp.received()).extracting(TestSmtp.Received::to).doesNotHaveDuplicates();
        double sentByA = first.counter("quire.mails.sent").count();
        double sentByB = second.counter("quire.mails.sent").count();
        System.out.println("two senders: " + (long) sentByA + " + " + (long) sentByB + " mails");
        assertThat(sentByA + sentByB).isEqualTo(mails);
    }

    @Test
    void thePurgeDeletesOldMailsThatAreNoLongerPendingInBatchesAndKeepsThePending() {
        Instant old = Instant.now().minus(Duration.ofDays(8));
        Instant recent = Instant.now().minus(Duration.ofDays(6));
        jdbc.transaction(connection -> {
            var rows = new ArrayList<Object[]>();
            for (int i = 0; i < 2_500; i++) {
                rows.add(new Object[] {i % 3 == 0 ? "sent" : i % 3 == 1 ? "failed" : "logged", old});
            }
            rows.add(new Object[] {"sent", recent});
            rows.add(new Object[] {"pending", old});
            Jdbc.batch(connection, """
                    insert into mail_outbox (recipient, subject, body, state, attempts, created_at, next_attempt_at)
                    values ('a@example.com', 's', '', ?, 1, ?, ?)""", rows, (statement, row) -> {
                statement.setString(1, (String) row[0]);
                Jdbc.setInstant(statement, 2, (Instant) row[1]);
                Jdbc.setInstant(statement, 3, Instant.now().plus(Duration.ofDays(1)));
            });
            return null;
        });
        var sender = new MailSender(jdbc, Clock.systemUTC(), smtpSettings(), WAKE_ONLY.withPurgeEvery(
                Duration.ofDays(1)), new SimpleMeterRegistry());
        senders.add(sender);

        // the sender purged once as it started; a purge now finds nothing more
        awaitTrue(() -> count() == 2);
        assertThat(sender.purge()).isZero();
        assertThat(jdbc.list("select state from mail_outbox order by state", statement -> { }, row -> row.getString(1)))
                .containsExactly("pending", "sent");
    }

    private MailSettings smtpSettings() {
        return new MailSettings(SmtpSettings.parse(smtp.url()), TestSmtp.FROM, null);
    }

    private MailSender sender(MailSettings settings, MailSender.Schedule schedule, MeterRegistry registry) {
        var sender = new MailSender(jdbc, Clock.systemUTC(), settings, schedule, registry);
        senders.add(sender);
        return sender;
    }

    /** Adds the mail in a transaction of its own and tells the outbox of the commit; returns when it committed. */
    private long add(MailOutbox outbox, Mail mail) {
        jdbc.transaction(connection -> {
            outbox.add(connection, mail);
            return null;
        });
        long committed = System.nanoTime();
        outbox.committed();
        return committed;
    }

    /** recipient|state|attempts|body|whether sent_at is set. */
    private List<String> rows() {
        return jdbc.list("select recipient, state, attempts, body, sent_at from mail_outbox order by id",
                statement -> { }, row -> row.getString(1) + "|" + row.getString(2) + "|" + row.getInt(3) + "|"
                        + row.getString(4) + "|" + (row.getObject(5) != null));
    }

    private String state() {
        return jdbc.one("select state from mail_outbox", statement -> { }, row -> row.getString(1)).orElse("");
    }

    private int attempts() {
        return jdbc.one("select attempts from mail_outbox", statement -> { }, row -> row.getInt(1)).orElse(0);
    }

    private long count() {
        return jdbc.one("select count(*) from mail_outbox", statement -> { }, row -> row.getLong(1)).orElseThrow();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("The condition did not hold within 30 s");
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
