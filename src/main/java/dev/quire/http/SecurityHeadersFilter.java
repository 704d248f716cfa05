package dev.quire.http;

import dev.quire.rest.ApiPaths;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Headers every response carries. API responses (JSON) get a policy that lets nothing load or frame them and
 * {@code Cache-Control: no-store} unless the resource sets its own; pages (the web root, and the documentation
 * under /docs with its scripts and styles) get a strict same-origin policy with no inline script, so text injected
 * into a page can never run, and are revalidated on each use unless their resource chooses other caching.
 */
public final class SecurityHeadersFilter extends HttpFilter {
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** The headers of every JSON response: also written by the container's own error answers (dev.quire.container). */
    public static final Map<String, String> API_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Content-Security-Policy", API_POLICY,
            "Cache-Control", "no-store");
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // an error dispatch renders a problem+json document, wherever the failed request was going
        if (request.getDispatcherType() == DispatcherType.ERROR || ApiPaths.isApi(request)) {
            applyApiHeaders(response);
        } else {
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader("Content-Security-Policy", PAGE_POLICY);
            // the page's files have no version in their names: a browser may keep them, but asks (If-None-Match,
            // a cheap 304) before each use, so a new WAR's page is never mixed with an old one's scripts
            response.setHeader("Cache-Control", "no-cache");
        }
        chain.doFilter(request, response);
    }

    /** The headers of every JSON response; also for a response that had to be reset to report a failure. */
    static void applyApiHeaders(HttpServletResponse response) {
        API_HEADERS.forEach(response::setHeader);
    }

}
