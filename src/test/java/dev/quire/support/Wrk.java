package dev.quire.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Debian's wrk as a child process: closed-loop HTTP load from a Lua script whose {@code done()} prints its figures
 * as one JSON line after a marker ("MIXED {...}"). wrk's own exit code says nothing about the answers; the script
 * tallies them.
 */
public final class Wrk {
    private static final Path EXECUTABLE = Path.of(System.getProperty("quire.test.wrk", "/usr/bin/wrk"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final CompletableFuture<String> output;
    private final String marker;
    private final Duration duration;

    private Wrk(Process process, String marker, Duration duration) {
        this.process = process;
        this.marker = marker;
        this.duration = duration;
        this.output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Starts {@code wrk -t1 -c<connections> -d<duration> --timeout <timeout> -s <script> <base> -- <args>} and returns
     * at once; {@link #result()} waits for it.
     */
    public static Wrk start(Path script, URI base, int connections, Duration duration, Duration timeout, String marker,
            List<String> args) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing (Debian: apt-get install wrk; .ci/run installs it)");
        }
        var command = new ArrayList<>(List.of(EXECUTABLE.toString(), "-t1", "-c" + connections,
                "-d" + duration.toSeconds() + "s", "--timeout", timeout.toSeconds() + "s", "-s", script.toString(), base.toString()));
        if (!args.isEmpty()) {
            command.add("--");
            command.addAll(args);
        }
        try {
            return new Wrk(new ProcessBuilder(command).redirectErrorStream(true).start(), marker, duration);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start wrk", e);
        }
    }

    /** Waits for wrk to finish (at most its duration and a minute) and returns the JSON its script printed. */
    public JsonNode result() {
        try {
            if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("wrk did not finish within " + duration + " and a minute");
            }
            String text = output.get(10, TimeUnit.SECONDS);
            var line = Pattern.compile("^" + Pattern.quote(marker) + " (\\{.*\\})$", Pattern.MULTILINE).matcher(text);
            if (process.exitValue() != 0 || !line.find()) {
                throw new AssertionError("wrk failed (exit " + process.exitValue() + "):\n" + text);
            }
            return JSON.readTree(line.group(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException(e);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read wrk's output", e);
        }
    }

    /** Kills wrk if it is still running: for clean-up. */
    public void stop() {
        process.destroyForcibly();
    }
}
