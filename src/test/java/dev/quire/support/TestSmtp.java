package dev.quire.support;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real SMTP server for tests (GreenMail), on a free loopback port: give {@link #url()} to Quire as
 * {@code QUIRE_SMTP_URL} (or take {@link #settings()}), then {@link #awaitMail} what it received. It can be taken
 * away and brought back on the same port ({@link #unavailable()}, {@link #available()}: connections are refused
 * meanwhile), or made to accept connections and never answer ({@link #stall()}: a sender is then stuck in the
 * middle of a send), for the tests of retries and crashes. Messages received before a restart are kept.
 */
public final class TestSmtp implements AutoCloseable {
    /** A message as the server received it: its recipient (To), From, Subject and the decoded plain text. */
    public record Received(String to, String from, String subject, String text) {
        /** The first http(s) link in the text. */
        public String link() {
            var matcher = java.util.regex.Pattern.compile("https?://\\S+").matcher(text);
            if (!matcher.find()) {
                throw new AssertionError("No link in the mail to " + to + ": " + text);
            }
            return matcher.group();
        }
    }

    /** The sender address the tests configure ({@code QUIRE_MAIL_FROM}). */
    public static final String FROM = "Quire <no-reply@quire.test>";

    private final String user;
    private final String password;
    private final boolean tls;
    private final int port;
    private GreenMail server;
    private ServerSocket stalled;
    private final List<Socket> stalledConnections = new CopyOnWriteArrayList<>();
    /** What earlier incarnations of the server received (each restart starts empty). */
    private final List<Received> before = new ArrayList<>();
    /** The messages {@link #awaitMail} has already returned, by their position in {@link #received()}. */
    private final Set<Integer> taken = new HashSet<>();

    private TestSmtp(String user, String password, boolean tls) {
        this.user = user;
        this.password = password;
        this.tls = tls;
        this.server = greenMail(setup().dynamicPort());
        server.start();
        this.port = (tls ? server.getSmtps() : server.getSmtp()).getPort();
    }

    /** A server that accepts mail without authentication. */
    public static TestSmtp start() {
        return new TestSmtp(null, null, false);
    }

    /**
     * A server that speaks TLS from the first byte ({@link #url()} is {@code smtps://}), with GreenMail's own
     * self-signed certificate, which no trust store trusts and which names no host.
     */
    public static TestSmtp startTls() {
        return new TestSmtp(null, null, true);
    }

    private ServerSetup setup() {
        var setup = (tls ? ServerSetup.SMTPS : ServerSetup.SMTP).createCopy("127.0.0.1");
        // GreenMail's 2 s is too short on a loaded machine
        setup.setServerStartupTimeout(30_000);
        return setup;
    }

    /** A server that requires SMTP AUTH with this login and password. */
    public static TestSmtp startWithLogin(String user, String password) {
        return new TestSmtp(user, password, false);
    }

    private GreenMail greenMail(ServerSetup setup) {
        var mail = new GreenMail(setup);
        mail.withConfiguration(user == null
                ? GreenMailConfiguration.aConfig().withDisabledAuthentication()
                : GreenMailConfiguration.aConfig().withUser(user, password));
        return mail;
    }

    /** {@code smtp://127.0.0.1:<port>}, with the login when the server requires one. */
    public String url() {
        String scheme = tls ? "smtps://" : "smtp://";
        return user == null
                ? scheme + "127.0.0.1:" + port
                : scheme + user + ":" + password + "@127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code QUIRE_SMTP_URL} and {@code QUIRE_MAIL_FROM} for this server. */
    public Map<String, String> settings() {
        return Map.of("QUIRE_SMTP_URL", url(), "QUIRE_MAIL_FROM", FROM);
    }

    /** Stops the server: connections to its port are refused until {@link #available()}. */
    public synchronized void unavailable() {
        keepReceived();
        if (server != null) {
            server.stop();
            server = null;
        }
        closeStalled();
    }

    /**
     * Accepts connections on the port and never answers them (not even the greeting), until {@link #available()}.
     */
    public synchronized void stall() {
        unavailable();
        try {
            stalled = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on port " + port, e);
        }
        var accepting = new Thread(() -> {
            ServerSocket socket = stalled;
            while (!socket.isClosed()) {
                try {
                    stalledConnections.add(socket.accept());
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "test-smtp-stalled");
        accepting.setDaemon(true);
        accepting.start();
    }

    /** How many connections were made to the port while it {@link #stall stalled}. */
    public int stalledConnections() {
        return stalledConnections.size();
    }

    /** Serves SMTP again on the same port. */
    public synchronized void available() {
        if (server != null) {
            return;
        }
        closeStalled();
        var mail = greenMail(setup().withPort(port));
        mail.start();
        server = mail;
    }

    private void closeStalled() {
        if (stalled != null) {
            try {
                stalled.close();
            } catch (IOException e) {
                // closing
            }
            stalled = null;
        }
        for (Socket connection : stalledConnections) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing
            }
        }
        stalledConnections.clear();
    }

    /** Every message received so far, in the order received, one per To recipient. */
    public synchronized List<Received> received() {
        var all = new ArrayList<>(before);
        if (server != null) {
            all.addAll(read(server.getReceivedMessages()));
        }
        return all;
    }

    /** The messages received so far for {@code to}. */
    public List<Received> receivedFor(String to) {
        return received().stream().filter(message -> message.to().equalsIgnoreCase(to)).toList();
    }

    /**
     * The first message for {@code to} that no earlier call returned, waiting for it up to {@code timeout}.
     *
     * @throws AssertionError if none came in time
     */
    public Received awaitMail(String to, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                List<Received> all = received();
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).to().equalsIgnoreCase(to) && taken.add(i)) {
                        return all.get(i);
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("No mail for " + to + " within " + timeout + "; received: " + received());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for a mail", e);
            }
        }
    }

    private void keepReceived() {
        if (server != null) {
            before.addAll(read(server.getReceivedMessages()));
        }
    }

    private static List<Received> read(MimeMessage[] messages) {
        var result = new ArrayList<Received>();
        for (MimeMessage message : messages) {
            try {
                Address[] from = message.getFrom();
                Object content = message.getContent();
                String text = content instanceof String string ? string : String.valueOf(content);
                Address[] recipients = message.getRecipients(Message.RecipientType.TO);
                for (Address recipient : recipients == null ? new Address[0] : recipients) {
                    result.add(new Received(address(recipient), from == null ? null : from[0].toString(),
                            message.getSubject(), text));
                }
            } catch (MessagingException | IOException e) {
                throw new IllegalStateException("Cannot read a received message", e);
            }
        }
        return result;
    }

    private static String address(Address address) {
        return address instanceof jakarta.mail.internet.InternetAddress internet
                ? internet.getAddress()
                : address.toString();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
            server = null;
        }
        closeStalled();
    }
}
