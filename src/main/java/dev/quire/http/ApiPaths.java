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
        // the path as Jersey matches it (decoded, without the context path), so both agree on what is API
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return !NOT_API_PATTERN.matcher(path).matches();
    }
}
