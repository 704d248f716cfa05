package dev.quire.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from the machine's own binaries (Debian's {@code postgresql} package),
 * in a temporary directory on a free loopback port, with fsync on. PostgreSQL refuses to run as root, so as
 * root it runs as the unprivileged OS user {@code pgtest}. If it cannot start, tests fail: never skipped.
 */
public final class PostgresServer {
    private static final String OS_USER = "pgtest";
    private static final String DB_USER = "app";
    private static PostgresServer shared;

    private final Path dir;
    private final Path bin;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    /** The server shared by every test in this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = startNew();
            var server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "pgtest-stop"));
        }
        return shared;
    }

    /** A server of one's own, for tests that stop, crash or restart it. Call {@link #destroy()} when done. */
    public static PostgresServer startNew() {
        try {
            Path bin = findBinaries();
            Path dir = Files.createTempDirectory("quire-pg");
            boolean root = isRoot();
            if (root) {
                run(List.of("sh", "-c", "id " + OS_USER + " >/dev/null 2>&1 || useradd --system --no-create-home"
                        + " --shell /usr/sbin/nologin " + OS_USER));
                run(List.of("chown", OS_USER + ":", dir.toString()));
            }
            var server = new PostgresServer(dir, bin, freePort());
            server.runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", server.dataDir(), "-U", DB_USER,
                    "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start PostgreSQL for tests", e);
        }
    }

    /** Starts (or restarts) the server; returns once it accepts connections. */
    public void start() {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir(), "-l", dir.resolve("pg.log").toString(),
                "-w", "-t", "30", "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir
                        + " -c fsync=on -c synchronous_commit=on -c max_connections=200",
                "start"));
    }

    /** Stops the server: {@code crash} as a power cut would (immediate, no checkpoint), else cleanly. */
    public void stop(boolean crash) {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir(), "-m", crash ? "immediate" : "fast",
                "-w", "stop"));
    }

    /** Stops the server and deletes its files. */
    public void destroy() {
        try {
            stop(false);
        } catch (RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    /**
     * Creates an empty database and returns its JDBC URL (user and password included). It collates text
     * linguistically (ICU, en-US), as many production servers do, so that a comparison that must be by code point
     * fails the tests unless it says so.
     */
    public String createDatabase() {
        String name = "quire_test_" + databases.incrementAndGet();
        // the driver named, not looked up: DriverManager scans for drivers once per JVM, and when a WAR run in this
        // JVM (ThirdPartyContractIT) scanned first, it kept only the WAR's, which the WAR's undeploy took away
        try (var connection = new org.postgresql.Driver().connect(url("postgres"), new Properties());
             var statement = connection.createStatement()) {
            statement.execute("create database " + name + " template template0 locale_provider icu icu_locale 'en-US'");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name, e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + DB_USER;
    }

    private String dataDir() {
        return dir.resolve("data").toString();
    }

    private void runAsOwner(List<String> command) {
        var full = new ArrayList<String>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static Path findBinaries() throws IOException {
        String override = System.getenv("QUIRE_TEST_PG_BIN");
        if (override != null) {
            return Path.of(override);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var found = versions.map(version -> version.resolve("bin"))
                        .filter(candidate -> Files.isExecutable(candidate.resolve("initdb")))
                        .max(Comparator.comparing(candidate -> Integer.parseInt(
                                candidate.getParent().getFileName().toString().replaceAll("\\D", "0"))));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install"
                + " Debian's postgresql package (.ci/run does) or set QUIRE_TEST_PG_BIN");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command) {
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("Command failed: " + String.join(" ", command) + "\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted running " + command.get(0), e);
        }
    }
}
