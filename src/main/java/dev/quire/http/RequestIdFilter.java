package dev.quire.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is 1-128 characters of
 * {@code [A-Za-z0-9._-]}, else a fresh one. The id is echoed on every response, errors included, and is in
 * the logging MDC as {@code requestId} for everything logged while the request runs. On an error dispatch
 * (the container's error page) the request keeps the id it was given.
 */
public final class RequestIdFilter extends HttpFilter {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final String ATTRIBUTE = RequestIdFilter.class.getName();
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String id = idOf(request);
        if (id == null) {
            id = acceptOrNew(request.getHeader(HEADER));
        }
        request.setAttribute(ATTRIBUTE, id);
        response.setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** The id this filter gave the request, or null outside a request it saw. */
    public static String idOf(ServletRequest request) {
        return (String) request.getAttribute(ATTRIBUTE);
    }

    /** The caller's id when it is acceptable, else a fresh one: also for answers written outside this filter. */
    public static String acceptOrNew(String inbound) {
        return isAcceptable(inbound) ? inbound : newId();
    }

    static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 hex digits: unique enough to trace by, and cheap (no SecureRandom contention). */
    static String newId() {
        var random = ThreadLocalRandom.current();
        return toHex(random.nextLong()) + toHex(random.nextLong());
    }

    private static String toHex(long bits) {
        String hex = Long.toHexString(bits);
        return "0".repeat(16 - hex.length()) + hex;
    }
}
