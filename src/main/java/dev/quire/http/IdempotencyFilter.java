package dev.quire.http;

import dev.quire.idempotency.IdempotencyService;
import dev.quire.idempotency.StoredResponse;
import dev.quire.identity.ApiKeyPrincipal;
import dev.quire.identity.ApiScope;
import dev.quire.identity.CallerPrincipal;
import dev.quire.rest.KeyScope;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.DomainException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} for the POSTs of the routes it is given (the creating ones: never sign-in, whose response
 * holds a token that must not be stored), made with a session or with an API key that has the route's scope. The request's body is read (within the body limit)
 * and fingerprinted, and {@link IdempotencyService} decides whether it runs. If it runs, its response is held back
 * until it has been recorded, so a retry can never arrive before there is something to replay; a replay carries
 * {@code Idempotent-Replayed: true}. Responses are kept as text: the routes given must answer JSON.
 *
 * <p>What is recorded: every answer but a refusal (4xx) and a 503, which change nothing and so free the key for a
 * corrected retry. A 500 is recorded too: whether its change happened is unknown, and it must not happen twice.
 */
public final class IdempotencyFilter extends HttpFilter {
    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;
    /** What a replay repeats besides status and body: where the resource is and which version it was. */
    private static final List<String> KEPT_HEADERS = List.of("Location", "ETag", "Content-Type");
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    private final transient IdempotencyService keys;
    private final transient List<Route> routes;

    /** A covered route: its path as a pattern, and the scope an API key needs for it (null: no key may call it). */
    private record Route(Pattern path, String keyScope) {}

    /** @param routes the POSTs covered, by path template within the application ({@code /api/books/{id}/reviews}) */
    public IdempotencyFilter(IdempotencyService keys, List<ApiApplication.IdempotentRoute> routes) {
        this.keys = keys;
        this.routes = routes.stream().map(route -> new Route(pattern(route.template()), route.keyScope())).toList();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String key = request.getHeader(HEADER);
        var route = key == null || !"POST".equals(request.getMethod()) ? null : covering(request);
        // an API key without the route's scope is refused after this filter (KeyScopeFilter): it never gets a
        // stored answer, nor stores one
        if (route == null || !(request.getUserPrincipal() instanceof CallerPrincipal caller)
                || caller instanceof ApiKeyPrincipal apiKey && !allows(apiKey, route.keyScope())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body;
        try {
            checkKey(request, key);
            body = request.getInputStream().readAllBytes();
        } catch (BodyTooLargeException tooLarge) {
            response.setHeader("Connection", "close");
            ProblemMapper.write(response, Problem.of(413, tooLarge.getMessage(), request));
            return;
        } catch (BodyReadException unread) {
            ProblemMapper.logUnread(request.getMethod(), request.getRequestURI(), unread);
            response.setHeader("Connection", "close");
            ProblemMapper.write(response, Problem.of(408, BodyReadException.DETAIL, request));
            return;
        } catch (DomainException refused) {
            ProblemMapper.write(response, request, refused);
            return;
        }
        // per account: a retry is the same whether it comes with the session or a key of that account
        String scope = caller.accountId().value();
        try {
            var replay = keys.begin(scope, key, fingerprint(request, body));
            if (replay.isPresent()) {
                send(replay.get(), response);
                return;
            }
        } catch (DomainException refused) {
            ProblemMapper.write(response, request, refused);
            return;
        }
        run(request, response, chain, scope, key, body);
    }

    /** A template's parameters match one path segment each; the rest is literal. */
    private static Pattern pattern(String template) {
        var regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private Route covering(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return routes.stream().filter(route -> route.path().matcher(path).matches()).findFirst().orElse(null);
    }

    private static boolean allows(ApiKeyPrincipal apiKey, String keyScope) {
        if (keyScope == null) {
            return false;
        }
        return keyScope.equals(KeyScope.NONE) || ApiScope.parse(keyScope).map(apiKey::has).orElse(false);
    }

    private void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String scope,
            String key, byte[] body) throws IOException, ServletException {
        var held = new HeldResponse(response);
        try {
            chain.doFilter(new ReplayableBodyRequest(request, body), held);
            held.flushWriter();
            settle(scope, key, held.getStatus(), response, held);
        } finally {
            held.release();
        }
    }

    /** Records the answer, or frees the key when the request was refused; never frees it after a change. */
    private void settle(String scope, String key, int status, HttpServletResponse response, HeldResponse held) {
        try {
            if ((status >= 400 && status < 500) || status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
                keys.release(scope, key);
                return;
            }
            var headers = new LinkedHashMap<String, String>();
            for (String name : KEPT_HEADERS) {
                String value = response.getHeader(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            keys.complete(scope, key, new StoredResponse(status, headers, held.body().toString(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // the key stays claimed and unanswered: retries are told its outcome is unknown, never run again
            log.error("Could not record the answer to an idempotent request; its key stays unanswered", e);
        }
    }

    private static void send(StoredResponse stored, HttpServletResponse response) throws IOException {
        response.setStatus(stored.status());
        stored.headers().forEach(response::setHeader);
        response.setHeader(REPLAYED, "true");
        byte[] body = stored.body() == null ? new byte[0] : stored.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void checkKey(HttpServletRequest request, String key) {
        // which of two keys would be the one that counts is anyone's guess: refused, like two Authorization headers
        if (Collections.list(request.getHeaders(HEADER)).size() > 1) {
            throw new BadParameterException(HEADER, "is given more than once; send one key");
        }
        boolean printableAscii = key.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !printableAscii) {
            throw new BadParameterException(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters");
        }
    }

    /**
     * What makes two requests the same request: method, path, query, media type (without parameters such as
     * charset, which JSON does not need) and body, byte for byte.
     */
    private static String fingerprint(HttpServletRequest request, byte[] body) {
        String contentType = String.valueOf(request.getContentType());
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim()
                .toLowerCase(java.util.Locale.ROOT);
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {request.getMethod(), request.getRequestURI(),
                    String.valueOf(request.getQueryString()), mediaType}) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** The request again, its body read from the bytes already taken from the connection. */
    private static final class ReplayableBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        ReplayableBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("The body has already been read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }
    }

    /** Keeps the body in memory until {@link #release()}, so nothing reaches the client before it is recorded. */
    private static final class HeldResponse extends HttpServletResponseWrapper {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private ServletOutputStream stream;
        private PrintWriter writer;

        HeldResponse(HttpServletResponse response) {
            super(response);
        }

        ByteArrayOutputStream body() {
            return buffer;
        }

        void flushWriter() {
            if (writer != null) {
                writer.flush();
            }
        }

        void release() throws IOException {
            flushWriter();
            if (!getResponse().isCommitted() && buffer.size() > 0) {
                getResponse().setContentLength(buffer.size());
            }
            buffer.writeTo(getResponse().getOutputStream());
        }

        @Override
        public ServletOutputStream getOutputStream() {
            if (stream == null) {
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) {
                        buffer.write(b);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        buffer.write(bytes, offset, length);
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        throw new IllegalStateException("Responses held for idempotency are written blocking");
                    }
                };
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), Charset.forName(getCharacterEncoding())));
            }
            return writer;
        }

        @Override
        public void flushBuffer() {
            // held: flushing would commit the response before it is recorded
        }

        @Override
        public boolean isCommitted() {
            return false;
        }

        @Override
        public void resetBuffer() {
            buffer.reset();
        }

        @Override
        public void reset() {
            super.reset();
            buffer.reset();
        }
    }
}
