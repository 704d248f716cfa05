package dev.quire.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The slot where the caller is identified from {@code Authorization: Bearer ...}. Until accounts exist
 * (issue 3) every request is anonymous: nothing is attached to it, and resources that would need a
 * session have not been written yet.
 */
public final class AuthTokenFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
    }
}
