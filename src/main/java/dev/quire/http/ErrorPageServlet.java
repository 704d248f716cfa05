package dev.quire.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's error page (web.xml), the fallback for errors raised outside Jersey and the filters, so
 * that those are problem+json too. The request id, security and CORS filters run on the error dispatch as well.
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
        Object error = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (error instanceof IOException unread) {
            // Tomcat comes here (as a 400) when reading the body failed: the client timed out or went away. Its
            // doing, like BodyReadException's 408 on Jetty: one INFO line, no stack trace
            ProblemMapper.logUnread(request.getMethod(), path, unread.toString());
            response.setHeader("Connection", "close");
            ProblemMapper.write(response,
                    Problem.of(408, BodyReadException.DETAIL, path, RequestIdFilter.idOf(request)));
            return;
        }
        if (error instanceof Throwable unexpected) {
            log.error("Unexpected failure answering {} {}", request.getMethod(), path, unexpected);
        }
        String detail = switch (status) {
            case 404 -> Problem.notFoundDetail(path);
            case 500 -> Problem.UNEXPECTED_DETAIL;
            default -> Problem.title(status) + ".";
        };
        ProblemMapper.write(response, Problem.of(status, detail, path, RequestIdFilter.idOf(request)));
    }
}
