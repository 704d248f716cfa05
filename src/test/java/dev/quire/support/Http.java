package dev.quire.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 client for tests. Each request carries a fresh {@code X-Request-Id} unless the test sets
 * one, and every id a response carries is recorded, so a suite can check that each request it made left
 * exactly one access-log line.
 */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Scheme, host, port and context path, without a trailing slash: "http://127.0.0.1:8080/quire". */
    private final String base;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<String> requestIds = new ArrayList<>();

    public Http(TestServer server) {
        this(server.uri(""));
    }

    /** A client of the application at {@code base}, its context path included ("http://127.0.0.1:8080/quire"). */
    public Http(URI base) {
        this.base = base.toString();
    }

    /** {@code path} starts with '/' and is relative to the context path. */
    public Request request(String method, String path) {
        return new Request(method, URI.create(base + path));
    }

    public Response get(String path) {
        return request("GET", path).send();
    }

    public synchronized List<String> requestIds() {
        return List.copyOf(requestIds);
    }

    private synchronized void recorded(String requestId) {
        if (requestId != null) {
            requestIds.add(requestId);
        }
    }

    public final class Request {
        private final HttpRequest.Builder builder;
        private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        private final String method;
        private boolean hasRequestId;

        private Request(String method, URI uri) {
            this.method = method;
            this.builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        }

        public Request header(String name, String value) {
            builder.header(name, value);
            if (name.equalsIgnoreCase("X-Request-Id")) {
                hasRequestId = true;
            }
            return this;
        }

        public Request json(String text) {
            builder.header("Content-Type", "application/json");
            return body(text);
        }

        public Request body(String text) {
            this.body = HttpRequest.BodyPublishers.ofString(text);
            return this;
        }

        public Request body(HttpRequest.BodyPublisher publisher) {
            this.body = publisher;
            return this;
        }

        public Response send() {
            if (!hasRequestId) {
                builder.header("X-Request-Id", "test-" + SEQUENCE.incrementAndGet());
            }
            try {
                var response = client.send(builder.method(method, body).build(), HttpResponse.BodyHandlers.ofString());
                var result = new Response(response);
                recorded(result.requestId());
                return result;
            } catch (IOException e) {
                throw new IllegalStateException(method + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A response with its body read as text, and as JSON on demand. */
    public record Response(HttpResponse<String> raw) {
        public int status() {
            return raw.statusCode();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public List<String> headers(String name) {
            return raw.headers().allValues(name);
        }

        public String body() {
            return raw.body();
        }

        public String requestId() {
            return header("X-Request-Id");
        }

        public String contentType() {
            return header("Content-Type");
        }

        public JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + raw.body(), e);
            }
        }

        @Override
        public String toString() {
            return raw.request().method() + " " + raw.uri() + " -> " + raw.statusCode() + " " + raw.headers().map()
                    + " " + raw.body();
        }
    }
}
