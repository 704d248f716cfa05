package dev.quire.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;

/** Which requests are for the JSON API (Jersey) and which for the static web root (the container). */
public final class ApiPaths {
    /** Paths within the application that Jersey leaves to the container: everything outside /api, /health, /metrics. */
    public static final String NOT_API = "(?!/(api|health|metrics)(/|$)).*";
    private static final Pattern NOT_API_PATTERN = Pattern.compile(NOT_API);

    private ApiPaths() {}

    public static boolean isApi(HttpServletRequest request) {
        return !NOT_API_PATTERN.matcher(path(request)).matches();
    }

    /** The application's own resources under /api, where callers are identified (not the health probes). */
    public static boolean isUnderApi(HttpServletRequest request) {
        String path = path(request);
        return path.equals("/api") || path.startsWith("/api/");
    }

    /** The path as Jersey matches it (decoded, without the context path), so both agree on what is API. */
    private static String path(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }
}
