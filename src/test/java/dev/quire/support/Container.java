package dev.quire.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real servlet container running the unmodified target/quire.war as a child process, configured with the
 * settings shipped in docker/ (only addresses, ports and paths are the test's own; Tomcat also gets
 * target/quire-tomcat-valve.jar in its lib/, which docker/tomcat/server.xml needs), on free loopback ports.
 * The containers come from Maven Central, unpacked into target/containers/ before the *IT tests run. Each
 * container's stdout and stderr go to a file under target/container-logs/, which tests read as a platform
 * would read the container's output.
 *
 * <p>A container runs on this JVM's Java unless {@link #launcher} is told otherwise: another JDK ({@link #jdk}),
 * JVM options, or properties of the container's own configuration.
 */
public final class Container implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "container-logs");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Every container this JVM started, so none outlives it (see the shutdown hook) and failures can show them. */
    private static final List<Container> STARTED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started().forEach(Container::kill), "container-reaper"));
        // the logs of this run only: they are numbered from 01 again
        try (Stream<Path> old = Files.isDirectory(LOGS) ? Files.list(LOGS) : Stream.empty()) {
            old.forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public enum Distribution {
        TOMCAT_10_1("Tomcat 10.1", "quire.test.tomcat10.home", "/quire"),
        TOMCAT_11("Tomcat 11", "quire.test.tomcat11.home", "/quire"),
        JETTY_12("Jetty 12", "quire.test.jetty.home", "");

        private final String displayName;
        private final String homeProperty;
        private final String contextPath;

        Distribution(String displayName, String homeProperty, String contextPath) {
            this.displayName = displayName;
            this.homeProperty = homeProperty;
            this.contextPath = contextPath;
        }

        /** Where this distribution deploys a dropped-in WAR: quire.war at /quire on Tomcat, ROOT.war at / on Jetty. */
        public String contextPath() {
            return contextPath;
        }

        boolean isTomcat() {
            return this != JETTY_12;
        }

        Path home() {
            String home = System.getProperty(homeProperty);
            if (home == null || !Files.isDirectory(Path.of(home))) {
                throw new IllegalStateException(displayName + " is not unpacked (" + homeProperty + "=" + home + "):"
                        + " run the *IT tests through `mvn verify`, whose pre-integration-test phase unpacks the"
                        + " containers into target/containers/");
            }
            return Path.of(home);
        }

        @Override
        public String toString() {
            return displayName;
        }
    }

    private final Launcher launcher;
    private final Path base;
    private final Map<String, String> settings;
    private final Path output;
    private final int port;
    private final int shutdownPort;
    private final Process process;

    private Container(Launcher launcher, Path base, Map<String, String> settings, Path output, int port,
            int shutdownPort, Process process) {
        this.launcher = launcher;
        this.base = base;
        this.settings = settings;
        this.output = output;
        this.port = port;
        this.shutdownPort = shutdownPort;
        this.process = process;
    }

    /**
     * Makes a fresh base directory for the distribution with the shipped settings and the WAR, starts the
     * container on this JVM's Java with these {@code QUIRE_*} settings as its environment, and returns once
     * Quire is ready.
     */
    public static Container start(Distribution distribution, Map<String, String> settings) {
        return launcher(distribution).start(settings);
    }

    /** A container to be started on another JDK, or with JVM options or container properties of its own. */
    public static Launcher launcher(Distribution distribution) {
        return new Launcher(distribution, Path.of(System.getProperty("java.home")), List.of(), Map.of(), List.of());
    }

    /**
     * The home of an installed JDK of this feature release (25 for Java 25): {@code quire.test.jdk<N>.home} if
     * set, else the one directory under /usr/lib/jvm whose {@code release} file says so.
     */
    public static Path jdk(int feature) {
        String configured = System.getProperty("quire.test.jdk" + feature + ".home");
        if (configured != null) {
            return Path.of(configured);
        }
        Path installed = Path.of("/usr/lib/jvm");
        try (Stream<Path> homes = Files.isDirectory(installed) ? Files.list(installed) : Stream.empty()) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin").resolve("java"))
                            && feature == featureOf(home))
                    .sorted()
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No JDK " + feature + " under " + installed
                            + " (set quire.test.jdk" + feature + ".home to one)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature release in a JDK's {@code release} file (JAVA_VERSION="25.0.1" is 25), or -1. */
    private static int featureOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK we can tell the version of
        }
        return -1;
    }

    /**
     * How a container is run: which Java, with which JVM options, and which properties of its configuration
     * (server.xml's {@code ${name}} on Tomcat, a {@code <Property name>} of Jetty's XML). Immutable: each call
     * returns a new one.
     */
    public static final class Launcher {
        private final Distribution distribution;
        private final Path javaHome;
        private final List<String> jvmOptions;
        private final Map<String, String> properties;
        private final List<Path> overlays;

        private Launcher(Distribution distribution, Path javaHome, List<String> jvmOptions,
                Map<String, String> properties, List<Path> overlays) {
            this.distribution = distribution;
            this.javaHome = javaHome;
            this.jvmOptions = List.copyOf(jvmOptions);
            this.properties = properties;
            this.overlays = List.copyOf(overlays);
        }

        /** Runs the container's JVM from this JDK home (see {@link Container#jdk}). */
        public Launcher javaHome(Path home) {
            if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
                throw new IllegalArgumentException("No bin/java under " + home);
            }
            return new Launcher(distribution, home, jvmOptions, properties, overlays);
        }

        /** Adds an option to the container's JVM command line ({@code -Xmx256m}, {@code -Dname=value}). */
        public Launcher jvmOption(String option) {
            var options = new ArrayList<>(jvmOptions);
            options.add(option);
            return new Launcher(distribution, javaHome, options, properties, overlays);
        }

        /**
         * Sets a property the container's own configuration reads: a system property on Tomcat (server.xml's
         * {@code ${name:-default}}), a start.jar property on Jetty ({@code name=value} on its command line, read by
         * its modules' XML). On Jetty this does not override a property docker/jetty's start.d already sets
         * (seen with jetty.minDataRate.minReadRate): use {@link #overlay} for those.
         */
        public Launcher property(String name, String value) {
            var all = new LinkedHashMap<>(properties);
            all.put(name, value);
            return new Launcher(distribution, javaHome, jvmOptions, Map.copyOf(all), overlays);
        }

        /**
         * Copies this directory over the base after the shipped settings, as an image adds more of its own
         * (docker/jetty-java21/ over docker/jetty/); Jetty's {@code --create-files} runs after it.
         */
        public Launcher overlay(Path directory) {
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("No directory " + directory);
            }
            var all = new ArrayList<>(overlays);
            all.add(directory);
            return new Launcher(distribution, javaHome, jvmOptions, properties, all);
        }

        /** As {@link Container#start}, run this way. */
        public Container start(Map<String, String> settings) {
            Path base = createBase(distribution, overlays);
            return launch(this, base, Map.copyOf(settings));
        }

        /** The Java feature release the container runs on (17, 25). */
        public int javaFeature() {
            int feature = featureOf(javaHome);
            return feature > 0 ? feature : Runtime.version().feature();
        }
    }

    /** Starts the same installation again (same base directory, settings, Java and options) after this one has stopped. */
    public Container startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException(this + " is still running");
        }
        return launch(launcher, base, settings);
    }

    public int port() {
        return port;
    }

    /** The container's JVM: the process started (catalina.sh execs Java; Jetty's start.jar runs in it). */
    public long pid() {
        return process.pid();
    }

    /** The JDK the container runs on, whose tools (jcmd) can look into it. */
    public Path javaHome() {
        return launcher.javaHome;
    }

    /** Tomcat's shutdown port (-1 on Jetty, which has none). */
    public int shutdownPort() {
        return shutdownPort;
    }

    /** The application's base URI, its context path included and without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + launcher.distribution.contextPath());
    }

    public String contextPath() {
        return launcher.distribution.contextPath();
    }

    public Http http() {
        return new Http(baseUri());
    }

    /** Sends SIGTERM, as a process manager does, and returns at once. */
    public void signalStop() {
        process.destroy();
    }

    /**
     * Waits for the process to exit by itself; if it has not within {@code limit}, kills it and fails.
     *
     * @return the exit code
     */
    public int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError(this + " did not exit within " + limit + " and was killed\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes sure the process is gone (SIGTERM, a bounded wait, then SIGKILL) and deletes the base directory; the
     * output stays under target/container-logs/. For clean-up: never fails.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(40, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** SIGKILL, as a crash or the OOM killer would end it: no drain, no clean-up. Waits until it is gone. */
    public void killNow() {
        kill();
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every line the container has written to stdout and stderr so far. */
    public List<String> lines() {
        try {
            // decoded leniently: a container's own output need not be UTF-8
            return new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line as a JSON object, or null if it is not one. */
    public static JsonNode json(String line) {
        return StdoutCapture.parse(line);
    }

    /** The lines that are JSON objects (Quire's logging), parsed, that pass the filter. */
    public List<JsonNode> jsonLines(Predicate<JsonNode> filter) {
        return lines().stream().map(StdoutCapture::parse).filter(json -> json != null && filter.test(json)).toList();
    }

    /**
     * The access-log lines of one request. Waits for the first one (it is written after the response is sent),
     * for at most five seconds, then returns every line for the id.
     */
    public List<JsonNode> awaitAccessLines(String requestId) {
        Predicate<JsonNode> ofRequest = json -> StdoutCapture.ACCESS_LOGGER.equals(json.path("logger").asText())
                && requestId.equals(json.path("requestId").asText());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (jsonLines(ofRequest).isEmpty() && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(50));
        }
        pause(Duration.ofMillis(50));
        return jsonLines(ofRequest);
    }

    /** Where the output is kept, and its last lines: for failure messages. */
    public String tail() {
        List<String> lines = lines();
        return "--- " + this + ", output in " + output.toAbsolutePath() + " (last 80 of " + lines.size() + " lines)\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    /** The containers started in this JVM, oldest first. */
    public static synchronized List<Container> started() {
        return List.copyOf(STARTED);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String toString() {
        return launcher.distribution + " (pid " + process.pid() + ", port " + port + ", Java "
                + launcher.javaFeature() + ")";
    }

    private static Path createBase(Distribution distribution, List<Path> overlays) {
        try {
            Path base = Files.createTempDirectory("quire-" + distribution.name().toLowerCase() + "-");
            Path war = Path.of(System.getProperty("quire.war", "target/quire.war"));
            if (distribution.isTomcat()) {
                // a CATALINA_BASE: Tomcat's own conf/ with Quire's server.xml and context.xml over it
                for (String dir : List.of("conf", "lib", "webapps", "logs", "temp", "work")) {
                    Files.createDirectories(base.resolve(dir));
                }
                try (Stream<Path> conf = Files.list(distribution.home().resolve("conf"))) {
                    for (Path file : conf.filter(Files::isRegularFile).toList()) {
                        Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
                    }
                }
                for (String file : List.of("server.xml", "context.xml")) {
                    Files.copy(Path.of("docker", "tomcat", file), base.resolve("conf").resolve(file),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                // the error report valve server.xml names, as the deploy steps and the image install it
                Path valve = Path.of(System.getProperty("quire.tomcat.valve", "target/quire-tomcat-valve.jar"));
                if (!Files.isRegularFile(valve)) {
                    throw new IllegalStateException("No " + valve + ": `mvn package` builds it");
                }
                Files.copy(valve, base.resolve("lib").resolve(valve.getFileName()));
                Files.copy(war, base.resolve("webapps").resolve("quire.war"));
                for (Path overlay : overlays) {
                    copyTree(overlay, base);
                }
            } else {
                // a jetty.base: docker/jetty/ copied in, completed by start.jar as the Dockerfile does it
                copyTree(Path.of("docker", "jetty"), base);
                for (Path overlay : overlays) {
                    copyTree(overlay, base);
                }
                runToCompletion(base, List.of(java(), "-jar", distribution.home().resolve("start.jar").toString(),
                        "--create-files"));
                // the WAR is unpacked in the base rather than in /tmp
                Files.createDirectories(base.resolve("work"));
                Files.copy(war, base.resolve("webapps").resolve("ROOT.war"));
            }
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare a " + distribution + " base", e);
        }
    }

    /** Copies every file under {@code source} to the same place under {@code target}, replacing what is there. */
    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Container launch(Launcher launcher, Path base, Map<String, String> settings) {
        Distribution distribution = launcher.distribution;
        String java = launcher.javaHome.resolve("bin").resolve("java").toString();
        int port = freePort();
        int shutdownPort = distribution.isTomcat() ? freePort() : -1;
        List<String> command;
        var environment = new HashMap<String, String>();
        if (distribution.isTomcat()) {
            // sh, not the executable bit; catalina.sh `exec`s the JVM, so the process we signal is Tomcat itself
            command = List.of("sh", distribution.home().resolve("bin").resolve("catalina.sh").toString(), "run");
            environment.put("CATALINA_HOME", distribution.home().toString());
            environment.put("CATALINA_BASE", base.toString());
            environment.put("JAVA_HOME", launcher.javaHome.toString());
            var options = new ArrayList<>(launcher.jvmOptions);
            launcher.properties.forEach((name, value) -> options.add("-D" + name + "=" + value));
            environment.put("CATALINA_OPTS", "-Dtomcat.http.address=127.0.0.1 -Dtomcat.http.port=" + port
                    + " -Dtomcat.shutdown.port=" + shutdownPort
                    + (options.isEmpty() ? "" : " " + String.join(" ", options)));
        } else {
            var jetty = new ArrayList<String>();
            jetty.add(java);
            jetty.addAll(launcher.jvmOptions);
            jetty.addAll(List.of("-jar", distribution.home().resolve("start.jar").toString(),
                    "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
            launcher.properties.forEach((name, value) -> jetty.add(name + "=" + value));
            command = List.copyOf(jetty);
        }
        environment.putAll(settings);
        Path output = LOGS.resolve(String.format("%02d-%s.log", SEQUENCE.incrementAndGet(),
                distribution.name().toLowerCase()));
        Process process;
        try {
            Files.createDirectories(LOGS);
            var builder = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
            // nothing from the shell running the tests: no QUIRE_* settings, no JVM or container options
            builder.environment().keySet().removeIf(name -> name.startsWith("QUIRE_") || name.startsWith("CATALINA_")
                    || name.startsWith("JETTY_") || name.equals("JAVA_OPTS") || name.equals("JRE_HOME"));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + distribution, e);
        }
        var container = new Container(launcher, base, settings, output, port, shutdownPort, process);
        synchronized (Container.class) {
            STARTED.add(container);
        }
        try {
            container.awaitReady();
        } catch (RuntimeException | Error e) {
            container.close();
            throw e;
        }
        return container;
    }

    private void awaitReady() {
        long started = System.nanoTime();
        long deadline = started + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(this + " exited with " + process.exitValue() + " before Quire was ready\n"
                        + tail());
            }
            if (readiness() == 200) {
                String executable = process.info().command().orElse("");
                if (!executable.endsWith("/java")) {
                    kill();
                    throw new AssertionError(this + " runs " + executable + ", not a JVM: a signal would not reach"
                            + " the container");
                }
                System.out.printf("%s ready %d ms after launch%n", this,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            }
            pause(Duration.ofMillis(100));
        }
        kill();
        throw new AssertionError(this + " was not ready within " + START_TIMEOUT + " and was killed\n" + tail());
    }

    /** GET /health/ready on a connection of its own that is closed afterwards (no keep-alive to drain later). */
    private int readiness() {
        try {
            return RawHttp.exchange(port, out -> out.write(RawHttp.ascii("GET " + contextPath() + "/health/ready"
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))).status();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    private static void runToCompletion(Path directory, List<String> command) throws IOException {
        var process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
