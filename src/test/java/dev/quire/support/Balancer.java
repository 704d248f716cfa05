package dev.quire.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Debian's HAProxy with the shipped docker/haproxy/haproxy.cfg in front of two running instances, as
 * docker/compose.scale.yaml puts it, listening on a free loopback port. Returns from {@link #start} once it
 * answers the readiness probe through the instances.
 */
public final class Balancer implements AutoCloseable {
    private static final Path HAPROXY = Path.of(System.getProperty("quire.test.haproxy", "/usr/sbin/haproxy"));

    private final Process process;
    private final Path log;
    private final int port;
    private final String contextPath;

    private Balancer(Process process, Path log, int port, String contextPath) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.contextPath = contextPath;
    }

    /** HAProxy in front of {@code one} and {@code two} (the same distribution, so one context path). */
    public static Balancer start(Container one, Container two) {
        if (!Files.isExecutable(HAPROXY)) {
            throw new IllegalStateException(HAPROXY + " is missing (Debian: apt-get install haproxy; .ci/run installs it)");
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile("quire-haproxy", ".log");
            var command = new ProcessBuilder(HAPROXY.toString(), "-db", "-f",
                    Path.of("docker", "haproxy", "haproxy.cfg").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            command.environment().putAll(Map.of("QUIRE_LB_BIND", "127.0.0.1:" + port,
                    "QUIRE_1", "127.0.0.1:" + one.port(), "QUIRE_2", "127.0.0.1:" + two.port(),
                    "QUIRE_READY_PATH", one.contextPath() + "/health/ready"));
            var balancer = new Balancer(command.start(), log, port, one.contextPath());
            try {
                balancer.awaitReady();
            } catch (RuntimeException | Error e) {
                balancer.close();
                throw e;
            }
            return balancer;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start HAProxy", e);
        }
    }

    public int port() {
        return port;
    }

    /** The application's base URI through the balancer, its context path included. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + contextPath);
    }

    public Http http() {
        return new Http(baseUri());
    }

    /** What HAProxy has written so far (its warnings and alerts). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() {
        var http = http();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("HAProxy exited: " + output());
            }
            try {
                if (http.get("/health/ready").status() == 200) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("HAProxy did not become ready: " + output());
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
