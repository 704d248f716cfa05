package dev.quire.tomcat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.coyote.http11.AbstractHttp11Protocol;

/**
 * Tomcat's error report, as Quire answers errors: RFC 9457 problem+json with a request id and the API's security
 * headers, never an HTML page or Tomcat's name. Tomcat's own ErrorReportValve writes HTML and its
 * JsonErrorReportValve plain application/json without an id; this one is Quire's, installed in place of the stock
 * valve on the Host (docker/tomcat/server.xml) from a jar in $CATALINA_BASE/lib.
 *
 * <p>It answers only what reaches the Host without an answer: requests Tomcat refused before any application had
 * them (a malformed request line or header, headers too large, no Host, an unsupported HTTP version or
 * Transfer-Encoding, a path it will not decode or normalise, a path outside every deployed context). Errors inside
 * Quire's context have been answered by Quire's own error page already, and are left alone.
 *
 * <p>Each answer is also written to stdout as one JSON access line (logger {@code quire.access}), in the shape of
 * Quire's own, so that the request id the client sees is in the log. Runs on Tomcat 10.1 and 11, on Java 17 or later;
 * it uses nothing but the JDK and Tomcat.
 */
public class ProblemReportValve extends ErrorReportValve {
    static final String MEDIA_TYPE = "application/problem+json";
    static final String REQUEST_ID = "X-Request-Id";
    /** The headers of every answer of Quire's API (dev.quire.http.SecurityHeadersFilter). */
    static final Map<String, String> API_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'",
            "Cache-Control", "no-store");
    /** Longer paths are not repeated back as the problem's instance, nor logged whole. */
    private static final int MAX_PATH = 2048;
    private static final int MAX_USER_AGENT = 256;

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as the stock valve: not for a success, nor when something was written, nor twice
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        var ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String requestId = acceptOrNew(request.getHeader(REQUEST_ID));
        String uri = request.getRequestURI();
        String path = uri != null && uri.startsWith("/") && uri.length() <= MAX_PATH ? redacted(uri) : null;
        byte[] body = problem(status, detail(status, request, response, throwable, path), path, requestId)
                .getBytes(StandardCharsets.UTF_8);
        boolean head = "HEAD".equals(request.getMethod());
        try {
            // a response Tomcat refused has no character encoding of its own: the type goes out as written
            response.setContentType(MEDIA_TYPE);
            response.setHeader(REQUEST_ID, requestId);
            API_HEADERS.forEach(response::setHeader);
            var failed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_ERROR, failed);
            if (failed.get()) {
                // Tomcat could not process the request (it will close the connection): say so
                response.setHeader("Connection", "close");
            }
            response.setContentLength(body.length);
            if (!head) {
                response.getOutputStream().write(body);
            }
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response cannot be written: nothing left to answer
        }
        accessLine(request, status, head ? 0 : body.length, requestId, path);
    }

    /** The detail for a status Tomcat answered, in the words Quire uses for the same errors on Jetty. */
    static String detail(int status, Request request, Response response, Throwable throwable, String path) {
        String failure = throwable == null || throwable.getMessage() == null ? "" : throwable.getMessage();
        return switch (status) {
            case 400 -> {
                // the parser's failures come with its exception (English unless Tomcat runs in another locale);
                // the checks after parsing (Host, the path) without one
                if (throwable instanceof IllegalArgumentException && failure.contains("too large")) {
                    yield "The request line and headers are larger than the server accepts" + limit(request) + ".";
                } else if (throwable != null) {
                    yield "The request is malformed: its request line or a header could not be read.";
                } else if ("HTTP/1.1".equals(request.getProtocol()) && request.getHeader("Host") == null) {
                    yield "HTTP/1.1 requires a Host header.";
                } else if (response.getMessage() != null) {
                    // the connector refused the path itself, before mapping it (sendError with its own message)
                    yield "The request path is not a valid URI path, or could be read two ways.";
                }
                yield "The request is malformed: its request line or a header could not be read.";
            }
            case 404 -> path != null ? "There is no resource at " + path + "." : "Not Found.";
            case 501 -> "The server does not implement what the request asks for (its method or Transfer-Encoding).";
            case 505 -> "Only HTTP/1.0 and HTTP/1.1 are supported.";
            case 503 -> "The server cannot answer right now (it may be stopping): try again shortly.";
            case 500 -> "An unexpected error occurred. Quote the request id when reporting it.";
            default -> title(status) + ".";
        };
    }

    /** " (8 KiB in all)", from the connector's setting; empty if it cannot be told. */
    private static String limit(Request request) {
        if (request.getConnector() != null
                && request.getConnector().getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
            int bytes = http.getMaxHttpRequestHeaderSize();
            return " (" + (bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes") + " in all)";
        }
        return "";
    }

    static String problem(int status, String detail, String instance, String requestId) {
        var json = new StringBuilder(256).append("{\"type\":\"about:blank\",\"title\":");
        quote(json, title(status)).append(",\"status\":").append(status).append(",\"detail\":");
        quote(json, detail);
        if (instance != null) {
            quote(json.append(",\"instance\":"), instance);
        }
        return quote(json.append(",\"requestId\":"), requestId).append('}').toString();
    }

    /** RFC 9110's reason phrases for the statuses Tomcat answers itself. */
    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 426 -> "Upgrade Required";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }

    /**
     * The access line Quire writes for each request (logger quire.access), for one it never saw. Tomcat's stdout is
     * where Quire's own lines go too; like them, it is one plain line instead of JSON when QUIRE_LOG_FORMAT (or the
     * quire.log.format property) is text.
     */
    /**
     * The path with its secrets replaced, as Quire's own access log and answers show it: a password reset's token
     * (POST /api/password-resets/{token}) and any API key (quire_pat_...) a client put in it.
     */
    static String redacted(String path) {
        return path.replaceAll("(/api/password-resets/)[^/]+", "$1[redacted]")
                .replaceAll("(?i)quire_pat_[A-Za-z0-9_%-]*", "quire_pat_[redacted]");
    }

    private static void accessLine(Request request, int status, long bytes, String requestId, String path) {
        String method = request.getMethod() == null || request.getMethod().isEmpty() ? "-" : request.getMethod();
        String logged = path != null ? path : "-";
        long started = request.getCoyoteRequest().getStartTimeNanos();
        long durationMs = started > 0 ? (System.nanoTime() - started) / 1_000_000 : 0;
        String message = method + " " + logged + " " + status + " " + durationMs + "ms";
        String format = System.getProperty("quire.log.format", System.getenv("QUIRE_LOG_FORMAT"));
        if ("text".equalsIgnoreCase(format)) {
            // as Quire's text pattern: %d{HH:mm:ss.SSS} %-5level [%X{requestId:-}] %logger{0} - %msg%n
            System.out.printf("%tT.%<tL INFO  [%s] access - %s%n", System.currentTimeMillis(), requestId, message);
            return;
        }
        var line = new StringBuilder(320).append("{\"timestamp\":");
        quote(line, Instant.now().toString()).append(",\"message\":");
        quote(line, message).append(",\"logger\":\"quire.access\"");
        quote(line.append(",\"thread\":"), Thread.currentThread().getName()).append(",\"level\":\"INFO\"");
        quote(line.append(",\"requestId\":"), requestId);
        quote(line.append(",\"method\":"), method);
        quote(line.append(",\"path\":"), logged);
        line.append(",\"status\":").append(status).append(",\"durationMs\":").append(durationMs)
                .append(",\"responseBytes\":").append(bytes);
        quote(line.append(",\"remoteAddress\":"), String.valueOf(request.getRemoteAddr()));
        String agent = request.getHeader("User-Agent");
        if (agent != null) {
            quote(line.append(",\"userAgent\":"), agent.length() > MAX_USER_AGENT ? agent.substring(0, MAX_USER_AGENT) : agent);
        }
        System.out.println(line.append('}'));
    }

    /** An inbound id of 1-128 characters [A-Za-z0-9._-] is kept (as Quire's RequestIdFilter does), else a fresh one. */
    static String acceptOrNew(String inbound) {
        if (inbound != null && !inbound.isEmpty() && inbound.length() <= 128
                && inbound.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            return inbound;
        }
        var random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    /** Appends the text as a JSON string. */
    static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
