package dev.quire.http;

import dev.quire.rest.ApiPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * The static web root (webapp/) is read-only, and answers the same on every container: OPTIONS and methods
 * other than GET and HEAD are answered here with {@code Allow: GET, HEAD, OPTIONS} (left alone, Jetty answers an
 * empty 405 and Tomcat serves the file to a POST and advertises POST), and a path that names no file gets a 404
 * problem here, with every header of the chain intact, rather than from the container's error page.
 */
public final class WebRootFilter extends HttpFilter {
    static final String ALLOW = "GET, HEAD, OPTIONS";
    private static final String WELCOME_FILE = "index.html";
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (ApiPaths.isJersey(request)) {
            chain.doFilter(request, response);
            return;
        }
        String method = request.getMethod();
        if (method.equals("OPTIONS")) {
            response.setHeader("Allow", ALLOW);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            response.setHeader("Allow", ALLOW);
            notFoundOr405(request, response, 405);
        } else if (!servesFile(request)) {
            notFoundOr405(request, response, 404);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static void notFoundOr405(HttpServletRequest request, HttpServletResponse response, int status)
            throws IOException {
        SecurityHeadersFilter.applyApiHeaders(response);
        String detail = status == 404
                ? Problem.notFoundDetail(request.getRequestURI())
                : Problem.methodNotAllowedDetail(request.getMethod(), ALLOW);
        ProblemMapper.write(response, Problem.of(status, detail, request));
    }

    /** Whether the container's default servlet has a file (or a directory's welcome file) for this path. */
    private boolean servesFile(HttpServletRequest request) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String upper = path.toUpperCase(Locale.ROOT);
        if (upper.startsWith("/WEB-INF") || upper.startsWith("/META-INF")) {
            return false;
        }
        return getServletContext().getResource(path.endsWith("/") ? path + WELCOME_FILE : path) != null;
    }
}
