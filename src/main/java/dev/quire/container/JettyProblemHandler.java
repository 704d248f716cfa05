package dev.quire.container;

import dev.quire.http.AccessLogFilter;
import dev.quire.http.Problem;
import dev.quire.http.RequestIdFilter;
import dev.quire.http.SecurityHeadersFilter;
import dev.quire.rest.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Jetty's error handler for the errors it raises before any context has the request: a request it could not parse
 * (414, 431, a bad header line, no Host, HTTP/1.2 or HTTP/2.0 on the request line), a path it will not map (an
 * ambiguous or invalid one), a refusal while it stops (503). Each is answered as problem+json with a request id and
 * the API's headers, and logged as one access line, as an answer of Quire's would be. Errors inside the web
 * application go to its error page instead (see {@link JettyErrors}).
 */
final class JettyProblemHandler implements Request.Handler {
    /** Jetty's request attributes for the error being handled (ErrorHandler.ERROR_*). */
    private static final String ERROR_MESSAGE = "org.eclipse.jetty.server.error_message";
    private static final String ERROR_EXCEPTION = "org.eclipse.jetty.server.error_exception";
    /** What Jetty calls a request whose request line it could not read (HttpConnection's stand-in). */
    private static final String UNREAD_METHOD = "BAD";
    private static final String UNREAD_PATH = "/badMessage";
    /** Longer paths are not repeated back as the problem's instance. */
    private static final int MAX_INSTANCE = 2048;

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException failure) {
            status = failure.getCode();
            reason = failure.getReason();
        }
        if (status < 400) {
            // not an error: Jetty answers OPTIONS * this way, with the headers already set and no body
            callback.succeeded();
            return true;
        }
        boolean lineRead = !(UNREAD_METHOD.equals(request.getMethod())
                && UNREAD_PATH.equals(request.getHttpURI().getPath()));
        String method = lineRead ? request.getMethod() : "-";
        String path = lineRead ? request.getHttpURI().getPath() : null;
        // a request Jetty could not parse has no headers here: its id is a fresh one
        String requestId = RequestIdFilter.acceptOrNew(request.getHeaders().get(RequestIdFilter.HEADER));
        int headerLimit = request.getConnectionMetaData().getHttpConfiguration().getRequestHeaderSize();
        String instance = path != null && path.startsWith("/") && path.length() <= MAX_INSTANCE ? path : null;

        byte[] body = problem(Problem.of(status, ContainerProblems.detail(status, reason, instance, headerLimit),
                instance, requestId));
        var headers = response.getHeaders();
        // only Jetty's Date survives from what was set before the error; Server is never sent
        headers.remove("Server");
        headers.put("Content-Type", Problem.MEDIA_TYPE);
        headers.put(RequestIdFilter.HEADER, requestId);
        SecurityHeadersFilter.API_HEADERS.forEach(headers::put);
        if (!request.getConnectionMetaData().isPersistent()) {
            // Jetty closes a connection whose request it could not parse: say so
            headers.put("Connection", "close");
        }
        response.setStatus(status);
        boolean head = "HEAD".equals(request.getMethod());
        response.write(true, head ? null : ByteBuffer.wrap(body), callback);

        MDC.put(RequestIdFilter.MDC_KEY, requestId);
        try {
            AccessLogFilter.logContainerAnswer(method, path == null ? "-" : path,
                    lineRead ? request.getHttpURI().getQuery() : null, status, head ? 0 : body.length,
                    System.nanoTime() - request.getBeginNanoTime(), Request.getRemoteAddr(request),
                    request.getHeaders().get("User-Agent"));
        } finally {
            MDC.remove(RequestIdFilter.MDC_KEY);
        }
        return true;
    }

    private static byte[] problem(Problem problem) {
        try {
            return Json.mapper().writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A problem is always serialisable", e);
        }
    }
}
