package dev.quire.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps a copy of every line this JVM writes to stdout, still passing it through. Quire logs JSON lines to
 * stdout, so tests read the real output the way a container platform would, not a test-only appender. Each
 * line is parsed once, as it arrives, and access lines are indexed by request id.
 */
public final class StdoutCapture {
    static final String ACCESS_LOGGER = "quire.access";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static StdoutCapture installed;

    /** A captured line: its position, its text, and its JSON object if it is one (else null). */
    public record Line(int number, String text, JsonNode json) {}

    private final List<Line> lines = new ArrayList<>();
    private final Map<String, List<Line>> accessLinesById = new HashMap<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private StdoutCapture() {}

    public static synchronized StdoutCapture install() {
        if (installed == null) {
            var capture = new StdoutCapture();
            PrintStream original = System.out;
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    capture.take(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    original.write(bytes, offset, length);
                    capture.take(bytes, offset, length);
                }

                @Override
                public void flush() {
                    original.flush();
                }
            }, true, StandardCharsets.UTF_8));
            installed = capture;
        }
        return installed;
    }

    private synchronized void take(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            } else {
                partial.write(bytes[i]);
            }
        }
    }

    private void add(String text) {
        var line = new Line(lines.size(), text, parse(text));
        lines.add(line);
        if (line.json() != null && ACCESS_LOGGER.equals(line.json().path("logger").asText())) {
            accessLinesById.computeIfAbsent(line.json().path("requestId").asText(), id -> new ArrayList<>()).add(line);
        }
    }

    /** How many lines have been captured so far: a mark to look for lines written after it. */
    public synchronized int mark() {
        return lines.size();
    }

    /** The lines written since {@code mark}, as text. */
    public synchronized List<String> linesSince(int mark) {
        return lines.subList(Math.min(mark, lines.size()), lines.size()).stream().map(Line::text).toList();
    }

    /** The JSON lines written since {@code mark} that pass the filter. */
    public synchronized List<JsonNode> jsonLinesSince(int mark, Predicate<JsonNode> filter) {
        var matching = new ArrayList<JsonNode>();
        for (Line line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
            if (line.json() != null && filter.test(line.json())) {
                matching.add(line.json());
            }
        }
        return matching;
    }

    /** Access-log lines for one request id written since {@code mark}. */
    public synchronized List<JsonNode> accessLinesSince(int mark, String requestId) {
        return accessLinesById.getOrDefault(requestId, List.of()).stream()
                .filter(line -> line.number() >= mark)
                .map(Line::json)
                .toList();
    }

    /**
     * Waits for the access line of a request: it is written after the response has been sent, so it may
     * lag the client by a moment. Returns every line for the id since {@code mark} once one has appeared.
     */
    public List<JsonNode> awaitAccessLines(int mark, String requestId) {
        return await(() -> accessLinesSince(mark, requestId));
    }

    /** Polls the query until it finds something (for at most five seconds), then once more a moment later. */
    public <T> List<T> await(Supplier<List<T>> query) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<T> found = query.get();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
            found = query.get();
        }
        // a second line, if there were one, would be written right after the first
        sleep(50);
        return query.get();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The line as a JSON object, or null if it is not one. */
    public static JsonNode parse(String text) {
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
