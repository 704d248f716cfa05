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
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps a copy of every line this JVM writes to stdout, still passing it through. Quire logs JSON lines to
 * stdout, so tests read the real output the way a container platform would, not a test-only appender.
 */
public final class StdoutCapture {
    private static StdoutCapture installed;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private StdoutCapture() {}

    public static synchronized StdoutCapture install() {
        if (installed == null) {
            var capture = new StdoutCapture();
            PrintStream original = System.out;
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    original.write(b);
                    capture.take(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
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
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            } else {
                partial.write(bytes[i]);
            }
        }
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** How many lines have been captured so far: a mark from which {@link #accessLinesSince} counts. */
    public synchronized int mark() {
        return lines.size();
    }

    /** The captured lines that parse as JSON objects and pass the filter; other lines are skipped. */
    public List<JsonNode> jsonLines(Predicate<JsonNode> filter) {
        var matching = new ArrayList<JsonNode>();
        for (String line : lines()) {
            JsonNode node = parse(line);
            if (node != null && filter.test(node)) {
                matching.add(node);
            }
        }
        return matching;
    }

    /** Access-log lines for one request id. */
    public List<JsonNode> accessLines(String requestId) {
        return accessLinesSince(0, requestId);
    }

    /** Access-log lines for one request id written after {@code mark}. */
    public List<JsonNode> accessLinesSince(int mark, String requestId) {
        var matching = new ArrayList<JsonNode>();
        var all = lines();
        for (String line : all.subList(Math.min(mark, all.size()), all.size())) {
            JsonNode node = parse(line);
            if (node != null && "quire.access".equals(node.path("logger").asText())
                    && requestId.equals(node.path("requestId").asText())) {
                matching.add(node);
            }
        }
        return matching;
    }

    /**
     * Waits for the access line of a request: it is written after the response has been sent, so it may
     * lag the client by a moment. Returns every line for the id once at least one has appeared.
     */
    public List<JsonNode> awaitAccessLines(String requestId) {
        return await(() -> accessLines(requestId));
    }

    public List<JsonNode> await(java.util.function.Supplier<List<JsonNode>> query) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<JsonNode> found = query.get();
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

    static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
