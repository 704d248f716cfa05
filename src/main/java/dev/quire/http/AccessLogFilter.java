package dev.quire.http;

import static net.logstash.logback.argument.StructuredArguments.keyValue;
import static net.logstash.logback.argument.StructuredArguments.value;

import dev.quire.rest.AfterResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes exactly one access line per request (logger {@code quire.access}: JSON on stdout by default) and is
 * the last line of defence: anything that escapes the rest of the chain is logged once with its stack trace
 * and answered with a generic 500 problem. The line is written when the chain returns: a container error page
 * rendered after that (rare: WebRootFilter answers missing files itself) is not in its byte count.
 */
public final class AccessLogFilter extends HttpFilter {
    public static final String LOGGER = "quire.access";
    /** Request attribute under which an authenticating filter leaves the caller's account id for this line. */
    public static final String ACCOUNT_ID_ATTRIBUTE = AccessLogFilter.class.getName() + ".accountId";
    /**
     * Request attribute under which {@link ForwardedHeadersFilter}, further in, leaves the client's address that a
     * trusted proxy reported; the line then names the proxy as {@code proxyAddress}.
     */
    static final String CLIENT_ADDRESS_ATTRIBUTE = AccessLogFilter.class.getName() + ".clientAddress";
    private static final String SEEN_ATTRIBUTE = AccessLogFilter.class.getName() + ".seen";
    /** A {@link LongSupplier} of the bytes an asynchronous response wrote past this filter's counting wrapper. */
    static final String STREAMED_BYTES_ATTRIBUTE = AccessLogFilter.class.getName() + ".streamedBytes";
    private static final int MAX_USER_AGENT = 256;
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "((?:^|&)[^=&]*(?:token|password|passwd|secret|key|auth|credential|session|signature)[^=&]*)=[^&]*",
            Pattern.CASE_INSENSITIVE);
    /** A password reset's token travels in its path (POST /api/password-resets/{token}): never logged. */
    private static final Pattern SECRET_PATH = Pattern.compile("(/api/password-resets/)[^/]+");
    /** An API key wherever a client put it (a path, a query value under any name, a User-Agent): it has a prefix. */
    private static final Pattern API_KEY = Pattern.compile("quire_pat_[A-Za-z0-9_%-]*", Pattern.CASE_INSENSITIVE);
    private static final long serialVersionUID = 1L;

    private static final Logger access = LoggerFactory.getLogger(LOGGER);
    private static final Logger log = LoggerFactory.getLogger(AccessLogFilter.class);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // an error dispatch of a request this filter saw is part of that request's line; one the container
        // refused before the application (TRACE, say) is seen here for the first and only time
        if (request.getAttribute(SEEN_ATTRIBUTE) != null) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(SEEN_ATTRIBUTE, Boolean.TRUE);
        long started = System.nanoTime();
        var counted = new ByteCountingResponse(response);
        try {
            chain.doFilter(request, counted);
            counted.flushWriter();
        } catch (IOException e) {
            // only the connection fails this way (the client went away mid-request): nothing left to answer
            log.info("Connection failed answering {} {}: {}", request.getMethod(),
                    redactedPath(request.getRequestURI()), e.toString());
        } catch (ServletException | RuntimeException | Error e) {
            log.error("Unexpected failure answering {} {}", request.getMethod(), redactedPath(request.getRequestURI()),
                    e);
            if (!response.isCommitted()) {
                counted.reset();
                response.setHeader(RequestIdFilter.HEADER, RequestIdFilter.idOf(request));
                SecurityHeadersFilter.applyApiHeaders(response);
                ProblemMapper.write(counted, Problem.of(500, Problem.UNEXPECTED_DETAIL, request));
            }
        } finally {
            // a response that goes on after the chain returns (an event stream) is logged when it ends
            LongSupplier streamed = request.getAttribute(STREAMED_BYTES_ATTRIBUTE) instanceof LongSupplier supplier
                    ? supplier : () -> 0;
            Runnable line = () -> logRequest(request, response.getStatus(),
                    counted.bytesWritten() + streamed.getAsLong(), System.nanoTime() - started);
            if (request.isAsyncStarted()) {
                // written on whichever thread ends the stream: under the request's id all the same
                String id = RequestIdFilter.idOf(request);
                AfterResponse.run(request, () -> {
                    MDC.put(RequestIdFilter.MDC_KEY, id);
                    try {
                        line.run();
                    } finally {
                        MDC.remove(RequestIdFilter.MDC_KEY);
                    }
                });
            } else {
                line.run();
            }
        }
    }

    private static void logRequest(HttpServletRequest request, int status, long bytes, long nanos) {
        // first seen on an error dispatch (TRACE, refused by the container): the line names the request as it came
        boolean refused = request.getDispatcherType() == DispatcherType.ERROR
                && request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String;
        String path = refused ? (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)
                : request.getRequestURI();
        String query = refused ? null : request.getQueryString();
        Object client = request.getAttribute(CLIENT_ADDRESS_ATTRIBUTE);
        var fields = fields(ErrorPageServlet.methodOf(request), path, query, status, bytes, nanos,
                client != null ? client.toString() : request.getRemoteAddr(), request.getHeader("User-Agent"));
        if (client != null && !client.equals(request.getRemoteAddr())) {
            fields.add(keyValue("proxyAddress", request.getRemoteAddr()));
        }
        Object accountId = request.getAttribute(ACCOUNT_ID_ATTRIBUTE);
        if (accountId != null) {
            fields.add(keyValue("accountId", accountId.toString()));
        }
        access.info("{} {} {} {}ms", fields.toArray());
    }

    /**
     * The access line of a request the container answered before the application saw it (dev.quire.container), in
     * the same shape; the caller puts its request id in the MDC. "-" stands for a method or path never read.
     */
    public static void logContainerAnswer(String method, String path, String query, int status, long bytes, long nanos,
            String remoteAddress, String userAgent) {
        access.info("{} {} {} {}ms", fields(method, path, query, status, bytes, nanos, remoteAddress, userAgent).toArray());
    }

    private static ArrayList<Object> fields(String method, String path, String query, int status, long bytes,
            long nanos, String remoteAddress, String userAgent) {
        var fields = new ArrayList<Object>(10);
        fields.add(value("method", method));
        fields.add(value("path", redactedPath(path)));
        fields.add(value("status", status));
        fields.add(value("durationMs", nanos / 1_000_000));
        if (query != null) {
            fields.add(keyValue("query", redacted(query)));
        }
        fields.add(keyValue("responseBytes", bytes));
        fields.add(keyValue("remoteAddress", remoteAddress));
        if (userAgent != null) {
            fields.add(keyValue("userAgent", withoutKeys(userAgent.length() > MAX_USER_AGENT
                    ? userAgent.substring(0, MAX_USER_AGENT) : userAgent)));
        }
        return fields;
    }

    /**
     * The query string with the values of parameters whose names suggest a secret replaced: Quire takes no secret
     * in a URL, but a client may still send one ({@code ?access_token=...}), and logs outlive requests.
     */
    static String redacted(String query) {
        return withoutKeys(SECRET_PARAMETER.matcher(query).replaceAll("$1=[redacted]"));
    }

    /** The text with every API key in it replaced by {@code quire_pat_[redacted]}. */
    static String withoutKeys(String text) {
        return text == null || !text.toLowerCase(Locale.ROOT).contains("quire_pat_") ? text
                : API_KEY.matcher(text).replaceAll("quire_pat_[redacted]");
    }

    /**
     * The path with the secrets that may travel in it replaced: a password reset's token, and any API key a client
     * put there. Every log line and every answer that names a request's path uses this.
     */
    static String redactedPath(String path) {
        return path == null ? null : withoutKeys(SECRET_PATH.matcher(path).replaceAll("$1[redacted]"));
    }

    /** Counts the body bytes the application writes, however it writes them. */
    private static final class ByteCountingResponse extends HttpServletResponseWrapper {
        private CountingStream stream;
        private PrintWriter writer;

        ByteCountingResponse(HttpServletResponse response) {
            super(response);
        }

        long bytesWritten() {
            return stream == null ? 0 : stream.count;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (writer != null) {
                throw new IllegalStateException("getWriter() has already been called");
            }
            return stream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                if (stream != null) {
                    throw new IllegalStateException("getOutputStream() has already been called");
                }
                writer = new PrintWriter(new OutputStreamWriter(stream(), Charset.forName(getCharacterEncoding())));
            }
            return writer;
        }

        /** The container flushes its own writer at the end of a request, not this one. */
        void flushWriter() {
            if (writer != null) {
                writer.flush();
            }
        }

        /** A reset discards what was written and lets the body be written afresh, through either API. */
        @Override
        public void reset() {
            super.reset();
            stream = null;
            writer = null;
        }

        @Override
        public void flushBuffer() throws IOException {
            flushWriter();
            super.flushBuffer();
        }

        private CountingStream stream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getOutputStream());
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletOutputStream {
        private final ServletOutputStream out;
        private long count;

        CountingStream(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
