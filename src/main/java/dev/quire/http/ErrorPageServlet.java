package dev.quire.http;

import jakarta.servlet.DispatcherType;
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
    static final String TRACE_DETAIL = "The TRACE method is not served.";
    /** Servlet 6.1's RequestDispatcher.ERROR_METHOD: Tomcat 11 dispatches errors as GET, naming the real method here. */
    private static final String ERROR_METHOD = "jakarta.servlet.error.method";
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ErrorPageServlet.class);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        // asked for directly, /error is just another path that serves nothing
        int status = code instanceof Integer number ? number : 404;
        String path = uri instanceof String text ? text : request.getRequestURI();
        String method = methodOf(request);
        Object error = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (error instanceof IOException unread) {
            // Tomcat comes here (as a 400) when reading the body failed: the client timed out or went away. Its
            // doing, like BodyReadException's 408 on Jetty: one INFO line, no stack trace
            ProblemMapper.logUnread(method, path, unread.toString());
            response.setHeader("Connection", "close");
            ProblemMapper.write(response,
                    Problem.of(408, BodyReadException.DETAIL, path, RequestIdFilter.idOf(request)));
            return;
        }
        if (error instanceof Throwable unexpected) {
            log.error("Unexpected failure answering {} {}", method, AccessLogFilter.redactedPath(path), unexpected);
        }
        String detail = switch (status) {
            case 404 -> Problem.notFoundDetail(path);
            case 500 -> Problem.UNEXPECTED_DETAIL;
            // both containers refuse TRACE before Quire sees it: Jetty with 403, Tomcat with 405 and its own Allow
            default -> method.equals("TRACE") ? TRACE_DETAIL : Problem.title(status) + ".";
        };
        ProblemMapper.write(response, Problem.of(status, detail, path, RequestIdFilter.idOf(request)));
    }

    /** The method of the request that failed, also on an error dispatch. */
    static String methodOf(HttpServletRequest request) {
        return request.getDispatcherType() == DispatcherType.ERROR && request.getAttribute(ERROR_METHOD) instanceof String
                ? (String) request.getAttribute(ERROR_METHOD)
                : request.getMethod();
    }
}
