package dev.quire.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's error page (web.xml): errors raised outside Jersey, such as a path no resource or static
 * file serves, become problem+json too. Error dispatches skip the filters, so the request id is set again here.
 */
public final class ErrorPageServlet extends HttpServlet {
    public static final String PATH = "/error";
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ErrorPageServlet.class);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        // asked for directly, /error is just another path that serves nothing
        int status = code instanceof Integer number ? number : 404;
        String path = uri instanceof String text ? text : request.getRequestURI();
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable error) {
            log.error("Unexpected failure answering {} {}", request.getMethod(), path, error);
        }
        String detail = switch (status) {
            case 404 -> "There is no resource at " + path + ".";
            case 405 -> request.getMethod() + " is not allowed on " + path + ".";
            case 500 -> "An unexpected error occurred. It has been logged; quote the request id when reporting it.";
            default -> Problem.title(status) + ".";
        };
        String requestId = RequestIdFilter.idOf(request);
        if (requestId != null) {
            response.setHeader(RequestIdFilter.HEADER, requestId);
        }
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", SecurityHeadersFilter.API_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        ProblemMapper.write(response, Problem.of(status, detail, path, requestId));
    }
}
