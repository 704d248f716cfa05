package dev.quire.rest;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;

/**
 * Which requests Jersey serves, and which of those are the JSON API. Jersey serves the API (/api, /health,
 * /metrics) and the documentation pages (/docs); the container serves everything else from the static web root.
 */
public final class ApiPaths {
    private static final String API_PREFIXES = "api|health|metrics";
    private static final String PAGE_PREFIXES = "docs";
    /** Paths within the application that Jersey leaves to the container: everything outside its own prefixes. */
    public static final String NOT_JERSEY = "(?!/(" + API_PREFIXES + "|" + PAGE_PREFIXES + ")(/|$)).*";
    /** The event streams: API paths, but served by a servlet of their own (a stream outlives its request). */
    public static final String STREAMS = "/api/(todos|books)/events";
    /** Paths within the application that Jersey passes on: those outside its prefixes, and the streams. */
    public static final String NOT_FOR_JERSEY = STREAMS + "|" + NOT_JERSEY;
    private static final Pattern NOT_JERSEY_PATTERN = Pattern.compile(NOT_JERSEY);
    private static final Pattern API_PATTERN = Pattern.compile("/(" + API_PREFIXES + ")(/.*)?");

    private ApiPaths() {}

    /** Served by a JAX-RS resource: the JSON API and the documentation pages. */
    public static boolean isJersey(HttpServletRequest request) {
        return !NOT_JERSEY_PATTERN.matcher(path(request)).matches();
    }

    /** The JSON API: responses that are data, never pages (the documentation under /docs is pages). */
    public static boolean isApi(HttpServletRequest request) {
        return API_PATTERN.matcher(path(request)).matches();
    }

    /** The application's own resources under /api, where callers are identified (not the health probes). */
    public static boolean isUnderApi(HttpServletRequest request) {
        String path = path(request);
        return path.equals("/api") || path.startsWith("/api/");
    }

    /** The path as Jersey matches it (decoded, without the context path), so both agree on what is API. */
    public static String path(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }
}
