package dev.quire.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * TLS from the first byte in front of a plain TCP server on this machine (as {@code stunnel} would): each connection
 * is accepted with a certificate made for the test by the JDK's keytool, for {@code 127.0.0.1} (as an IP address
 * subject alternative name), and its plain text is passed to and from the server behind. {@link #trustStore()} holds
 * that certificate, for a JVM that is to trust it ({@code -Djavax.net.ssl.trustStore=…}).
 */
public final class TlsFront implements AutoCloseable {
    public static final String PASSWORD = "changeit";

    private final Path dir;
    private final SSLServerSocket listening;
    private final int target;

    private TlsFront(Path dir, SSLServerSocket listening, int target) {
        this.dir = dir;
        this.listening = listening;
        this.target = target;
    }

    /** Listens on a free loopback port, passing each connection's plain text to {@code targetPort}. */
    public static TlsFront start(int targetPort) {
        try {
            Path dir = Files.createTempDirectory("quire-tls");
            Path keys = dir.resolve("server.p12");
            keytool("-genkeypair", "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                    "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool("-exportcert", "-alias", "smtp", "-keystore", keys.toString(), "-storepass", PASSWORD,
                    "-file", dir.resolve("server.crt").toString());
            keytool("-importcert", "-noprompt", "-alias", "smtp", "-file", dir.resolve("server.crt").toString(),
                    "-keystore", dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            var store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keys)) {
                store.load(in, PASSWORD.toCharArray());
            }
            var keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, PASSWORD.toCharArray());
            var context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            var listening = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            var front = new TlsFront(dir, listening, targetPort);
            var accepting = new Thread(front::accept, "test-tls-front");
            accepting.setDaemon(true);
            accepting.start();
            return front;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Cannot start the TLS front", e);
        }
    }

    public int port() {
        return listening.getLocalPort();
    }

    /** A PKCS12 trust store (password {@link #PASSWORD}) holding this front's certificate. */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                if (listening.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        var thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }, "test-tls-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void keytool(String... arguments) throws IOException {
        var command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
