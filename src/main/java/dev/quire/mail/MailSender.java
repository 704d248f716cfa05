package dev.quire.mail;

import static dev.quire.db.Jdbc.getInstant;
import static dev.quire.db.Jdbc.setInstant;

import dev.quire.db.Jdbc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's sender of the mail outbox: one thread that, when woken ({@link #wake}, after a commit that added
 * mails) or every poll, sends the pending mails that are due, one at a time, each in its own transaction:
 *
 * <ol>
 *   <li>claim: {@code SELECT … FOR UPDATE SKIP LOCKED} the oldest due pending mail: a mail another instance is
 *       sending is locked, so it is skipped, never sent twice;</li>
 *   <li>send it over SMTP while holding that lock;</li>
 *   <li>record the outcome (sent; or a failed attempt, due again after a backoff; or given up) and commit.</li>
 * </ol>
 *
 * A sender that dies before the commit (a crash, {@code kill -9}, a lost database) releases the lock with its
 * connection, and the mail is pending and due as before: sent by the next sender that looks. So a committed mail is
 * never lost, and the only way one goes out twice is a death in the instant between the SMTP server accepting it and
 * the outcome's commit. Both attempts carry the same Message-ID.
 *
 * <p>Without an SMTP server configured, each mail is written to the log at INFO (recipient, subject and links) and
 * recorded as {@code logged}: never delivered. Mails that are no longer pending lose their body (it holds the links,
 * and so the tokens), and are deleted, a bounded batch at a time, after the retention.
 */
public final class MailSender implements AutoCloseable {
    /**
     * When to look and how to retry.
     *
     * @param poll        how often the sender looks for due mails without being woken
     * @param firstRetry  the wait after a first failed attempt; each further failure doubles it
     * @param maxRetry    the longest wait between attempts
     * @param maxAttempts attempts before a mail is given up
     * @param retention   how long mails that are no longer pending are kept (recipient, subject, outcome)
     * @param purgeEvery  how often they are purged
     */
    public record Schedule(Duration poll, Duration firstRetry, Duration maxRetry, int maxAttempts, Duration retention,
            Duration purgeEvery) {
        public static final Schedule DEFAULT = new Schedule(Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofMinutes(15), 10, Duration.ofDays(7), Duration.ofHours(1));

        public Schedule withPurgeEvery(Duration every) {
            return new Schedule(poll, firstRetry, maxRetry, maxAttempts, retention, every);
        }

        /** The wait after {@code attempts} failed attempts: firstRetry, doubled each time, at most maxRetry. */
        public Duration backoff(int attempts) {
            Duration wait = firstRetry;
            for (int i = 1; i < attempts && wait.compareTo(maxRetry) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(MailSender.class);
    private static final Duration SMTP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PURGE_BATCH = 1000;
    private static final int MAX_ERROR_LENGTH = 1000;
    private static final Pattern LINK = Pattern.compile("https?://\\S+");

    private static final String CLAIM = """
            select id, recipient, subject, body, attempts, created_at from mail_outbox
            where state = 'pending' and next_attempt_at <= ? order by next_attempt_at, id limit 1
            for update skip locked""";
    private static final String SENT = """
            update mail_outbox set state = ?, attempts = ?, sent_at = ?, body = '', last_error = null where id = ?""";
    private static final String RETRY = """
            update mail_outbox set attempts = ?, next_attempt_at = ?, last_error = ? where id = ?""";
    private static final String GIVE_UP = """
            update mail_outbox set state = 'failed', attempts = ?, body = '', last_error = ? where id = ?""";
    private static final String PENDING = "select count(*) from mail_outbox where state = 'pending'";
    private static final String EXPIRED_THROUGH = """
            select max(id) from (select id from mail_outbox where state <> 'pending' and created_at < ? order by id
            limit ?) oldest""";
    /** The batch found by EXPIRED_THROUGH: the rows that match, up to its last id. */
    private static final String PURGE = """
            delete from mail_outbox where id <= ? and state <> 'pending' and created_at < ?""";

    private record Claimed(long id, Mail mail, int attempts, Instant created) {}

    private final Jdbc jdbc;
    private final Clock clock;
    private final MailSettings settings;
    private final Schedule schedule;
    private final SmtpClient smtp;
    private final Counter sent;
    private final Counter logged;
    private final Counter failedAttempts;
    private final Counter givenUp;
    private final AtomicLong pending = new AtomicLong();
    private final Object wake = new Object();
    private final Thread thread;
    /** True at first: a starting sender looks at once (for what a stopped or crashed instance left). */
    private boolean woken = true;
    private volatile boolean running = true;
    private long nextPurge;
    private boolean failing;

    /**
     * Starts the sender's thread.
     *
     * @param jdbc a Jdbc of its own, without the query timings: a send's transaction lasts as long as the SMTP
     *             conversation, which says nothing of the database
     */
    public MailSender(Jdbc jdbc, Clock clock, MailSettings settings, Schedule schedule, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
        this.schedule = schedule;
        this.smtp = settings.sends() ? new SmtpClient(settings.smtp(), settings.from(), SMTP_TIMEOUT) : null;
        this.sent = Counter.builder("quire.mails.sent").description("Mails the SMTP server accepted")
                .register(registry);
        this.logged = Counter.builder("quire.mails.logged")
                .description("Mails written to the log instead of sent (no SMTP server configured)").register(registry);
        this.failedAttempts = Counter.builder("quire.mail.attempts.failed")
                .description("Attempts to send a mail that failed (each is retried until the last)").register(registry);
        this.givenUp = Counter.builder("quire.mails.failed")
                .description("Mails given up: refused by the server, or every attempt failed").register(registry);
        Gauge.builder("quire.mail.outbox.pending", pending, AtomicLong::get)
                .description("Mails waiting to be sent (all instances'), as this instance last counted them")
                .register(registry);
        this.nextPurge = System.nanoTime();
        this.thread = new Thread(this::run, "quire-mail-sender");
        thread.setDaemon(true);
        thread.start();
    }

    /** A transaction that added mails has committed: send them now. */
    public void wake() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    private void run() {
        while (running) {
            synchronized (wake) {
                if (!woken) {
                    try {
                        wake.wait(schedule.poll().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
            if (!running) {
                return;
            }
            try {
                sendDue();
                purgeIfDue();
                pending.set(jdbc.one(PENDING, statement -> { }, row -> row.getLong(1)).orElse(0L));
                if (failing) {
                    failing = false;
                    log.info("Reading the mail outbox again");
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    log.warn("Cannot read the mail outbox (retrying every {} s): {}", schedule.poll().toSeconds(),
                            e.toString());
                }
            } finally {
                if (smtp != null) {
                    smtp.idle();
                }
            }
        }
    }

    /** Sends due mails one at a time until none is left (or the sender is stopped). */
    private void sendDue() {
        while (running && sendOne()) {
            // the next
        }
    }

    /** @return whether there was a due mail */
    private boolean sendOne() {
        return jdbc.transaction(connection -> {
            Instant now = clock.instant();
            Optional<Claimed> claimed = Jdbc.one(connection, CLAIM, statement -> setInstant(statement, 1, now),
                    row -> new Claimed(row.getLong("id"),
                            new Mail(row.getString("recipient"), row.getString("subject"), row.getString("body")),
                            row.getInt("attempts"), getInstant(row, "created_at")));
            if (claimed.isEmpty()) {
                return false;
            }
            deliver(connection, claimed.get());
            return true;
        });
    }

    private void deliver(Connection connection, Claimed claimed) throws SQLException {
        int attempts = claimed.attempts() + 1;
        if (smtp == null) {
            log.info("Mail not sent (no QUIRE_SMTP_URL): to {}, subject \"{}\", links {}", claimed.mail().to(),
                    claimed.mail().subject(), links(claimed.mail().text()));
            markSent(connection, claimed, "logged", attempts, null);
            logged.increment();
            return;
        }
        try {
            smtp.send(claimed.mail(), messageId(claimed), claimed.created());
        } catch (SmtpClient.PermanentFailure e) {
            giveUp(connection, claimed, attempts, e.getMessage() + ": " + describe(e.getCause()));
            return;
        } catch (MessagingException | RuntimeException e) {
            String error = describe(e);
            failedAttempts.increment();
            if (attempts >= schedule.maxAttempts()) {
                giveUp(connection, claimed, attempts, error);
                return;
            }
            Duration wait = schedule.backoff(attempts);
            Jdbc.update(connection, RETRY, statement -> {
                statement.setInt(1, attempts);
                setInstant(statement, 2, clock.instant().plus(wait).truncatedTo(ChronoUnit.MILLIS));
                statement.setString(3, truncate(error));
                statement.setLong(4, claimed.id());
            });
            log.warn("Mail {} not sent (attempt {} of {}), trying again in {} s: {}", claimed.id(), attempts,
                    schedule.maxAttempts(), wait.toSeconds(), error);
            return;
        }
        try {
            markSent(connection, claimed, "sent", attempts, clock.instant());
        } catch (SQLException | RuntimeException e) {
            log.warn("Mail {} was accepted by the SMTP server but cannot be recorded as sent; it will be sent again",
                    claimed.id());
            throw e;
        }
        sent.increment();
        log.debug("Mail {} sent (attempt {})", claimed.id(), attempts);
    }

    private static void markSent(Connection connection, Claimed claimed, String state, int attempts, Instant at)
            throws SQLException {
        Jdbc.update(connection, SENT, statement -> {
            statement.setString(1, state);
            statement.setInt(2, attempts);
            if (at == null) {
                statement.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                setInstant(statement, 3, at.truncatedTo(ChronoUnit.MILLIS));
            }
            statement.setLong(4, claimed.id());
        });
    }

    private void giveUp(Connection connection, Claimed claimed, int attempts, String error) throws SQLException {
        Jdbc.update(connection, GIVE_UP, statement -> {
            statement.setInt(1, attempts);
            statement.setString(2, truncate(error));
            statement.setLong(3, claimed.id());
        });
        givenUp.increment();
        log.error("Mail {} given up after {} attempt(s): {}", claimed.id(), attempts, error);
    }

    /** The same for every attempt at one mail: its row and when it was written, at the sender's domain. */
    private String messageId(Claimed claimed) {
        String from = settings.from();
        int at = from.lastIndexOf('@');
        String domain = at < 0 ? "localhost" : from.substring(at + 1).replace(">", "").trim();
        return "<quire-mail-" + claimed.id() + "." + claimed.created().toEpochMilli() + "@" + domain + ">";
    }

    static List<String> links(String text) {
        var links = new ArrayList<String>();
        Matcher matcher = LINK.matcher(text);
        while (matcher.find()) {
            links.add(matcher.group());
        }
        return links;
    }

    /** An error as operators need it: the exception's kind and message, and its cause's. Never shown to a client. */
    private static String describe(Throwable error) {
        if (error == null) {
            return "";
        }
        var text = new StringBuilder(error.getClass().getSimpleName()).append(": ").append(error.getMessage());
        Throwable cause = error.getCause() != null ? error.getCause()
                : error instanceof MessagingException m ? m.getNextException() : null;
        if (cause != null && cause != error) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage())
                    .append(")");
        }
        return text.toString().replaceAll("\\s+", " ").trim();
    }

    private static String truncate(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }

    private void purgeIfDue() {
        if (System.nanoTime() - nextPurge < 0) {
            return;
        }
        nextPurge = System.nanoTime() + schedule.purgeEvery().toNanos();
        int purged = purge();
        if (purged > 0) {
            log.debug("Purged {} mails past the retention", purged);
        }
    }

    /**
     * Deletes, a bounded batch at a time, the mails that are no longer pending and are older than the retention.
     *
     * @return how many were deleted
     */
    int purge() {
        Instant cutoff = clock.instant().minus(schedule.retention());
        int deleted = 0;
        while (running) {
            long through = jdbc.one(EXPIRED_THROUGH, statement -> {
                setInstant(statement, 1, cutoff);
                statement.setInt(2, PURGE_BATCH);
            }, row -> {
                long id = row.getLong(1);
                return row.wasNull() ? -1L : id; // max() of no rows: nothing has expired
            }).orElse(-1L);
            if (through < 0) {
                break;
            }
            int batch = jdbc.update(PURGE, statement -> {
                statement.setLong(1, through);
                setInstant(statement, 2, cutoff);
            });
            deleted += batch;
            if (batch < PURGE_BATCH) {
                break;
            }
        }
        return deleted;
    }

    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (smtp != null && !thread.isAlive()) {
            smtp.close();
        }
    }
}
