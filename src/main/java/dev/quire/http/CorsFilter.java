package dev.quire.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin access for the origins on {@code QUIRE_CORS_ORIGINS} only (none by default; {@code *} for any).
 * Answers preflights itself, before authentication; never echoes an origin that is not on the list; runs on
 * error dispatches too, so an error page is as readable as the response it replaces. Quire's
 * credentials are bearer tokens, not cookies, so no {@code Allow-Credentials} is ever sent.
 */
public final class CorsFilter extends HttpFilter {
    static final String ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    static final String ALLOW_HEADERS =
            "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id";
    static final String EXPOSE_HEADERS =
            "X-Request-Id, Location, ETag, Link, Retry-After, RateLimit, RateLimit-Policy, Idempotent-Replayed";
    /** Ten minutes: long enough to spare round trips, short enough for a changed list to take effect. */
    static final String MAX_AGE_SECONDS = "600";
    private static final long serialVersionUID = 1L;

    private final Set<String> origins;
    private final boolean anyOrigin;

    public CorsFilter(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.origins = Set.copyOf(allowedOrigins);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Vary", "Origin");
        response = new VaryKeepsOrigin(response);
        String origin = request.getHeader("Origin");
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean allowed = anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
        boolean preflight = "OPTIONS".equals(request.getMethod()) && request.getDispatcherType() != DispatcherType.ERROR
                && request.getHeader("Access-Control-Request-Method") != null;
        if (preflight) {
            if (allowed) {
                allowOrigin(response, origin);
                response.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
                response.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
                response.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
                response.addHeader("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            } else {
                ProblemMapper.write(response, Problem.of(403,
                        "Origin " + origin + " may not call this API from a browser.", request));
            }
            return;
        }
        if (allowed) {
            allowOrigin(response, origin);
            response.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        }
        // a disallowed origin gets no CORS headers: the browser withholds the response from the calling page
        chain.doFilter(request, response);
    }

    private void allowOrigin(HttpServletResponse response, String origin) {
        response.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    }

    /** A resource that sets its own {@code Vary} (Jersey replaces headers) must not drop {@code Origin} from it. */
    private static final class VaryKeepsOrigin extends HttpServletResponseWrapper {
        VaryKeepsOrigin(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            if ("Vary".equalsIgnoreCase(name) && value != null && !value.trim().equals("*")
                    && !value.toLowerCase(Locale.ROOT).contains("origin")) {
                value = value + ", Origin";
            }
            super.setHeader(name, value);
        }
    }
}
