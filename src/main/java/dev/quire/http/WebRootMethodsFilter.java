package dev.quire.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * The static web root is read-only: methods other than GET, HEAD and OPTIONS get a 405 problem with
 * {@code Allow}, the same on every container (left alone, Jetty answers an empty 405 and Tomcat serves the
 * file to a POST).
 */
public final class WebRootMethodsFilter extends HttpFilter {
    static final String ALLOW = "GET, HEAD, OPTIONS";
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (READ_METHODS.contains(request.getMethod()) || SecurityHeadersFilter.isApi(request)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Allow", ALLOW);
        ProblemMapper.write(response, Problem.of(405,
                request.getMethod() + " is not allowed here. Allowed: " + ALLOW + ".", request));
    }
}
