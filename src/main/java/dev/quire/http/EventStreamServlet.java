package dev.quire.http;

import dev.quire.events.EventStreams;
import dev.quire.identity.Authenticated;
import dev.quire.identity.CallerPrincipal;
import dev.quire.rest.KeyScope;
import dev.quire.rest.ApiPaths;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.DomainException;
import dev.quire.shared.FieldError;
import dev.quire.shared.TooManyRequestsException;
import dev.quire.shared.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The change streams, as Server-Sent Events: {@code GET /api/todos/events} (the caller's own todos; a session is
 * required) and {@code GET /api/books/events} (the catalogue, public). A servlet rather than a resource, because a
 * stream outlives its request: the request turns asynchronous, and {@link EventStreams} writes to it as events come.
 * {@code Last-Event-ID} (or {@code ?after=} for clients that cannot send headers) resumes after that event.
 */
public final class EventStreamServlet extends HttpServlet {
    public static final List<String> PATHS = List.of("/api/todos/events", "/api/books/events");
    public static final String MEDIA_TYPE = "text/event-stream";
    private static final Pattern POSITION = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(5);
    private static final long serialVersionUID = 1L;

    private final transient EventStreams streams;

    public EventStreamServlet(EventStreams streams) {
        this.streams = streams;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET")) {
            response.setHeader("Allow", "GET");
            ProblemMapper.write(response, Problem.of(405, Problem.methodNotAllowedDetail(request.getMethod(), "GET"),
                    request));
            return;
        }
        boolean todos = ApiPaths.path(request).equals(PATHS.get(0));
        String account = request.getUserPrincipal() instanceof CallerPrincipal caller
                ? caller.accountId().value() : null;
        Long resumeFrom;
        try {
            if (todos) {
                Authenticated.account(request); // 401 without a session or key, whatever else the request says
                Authenticated.requireScope(request, KeyScope.TODOS_READ); // a key needs todos:read
            }
            resumeFrom = resumeFrom(request);
        } catch (DomainException refused) {
            ProblemMapper.write(response, request, refused);
            return;
        }
        String accept = request.getHeader("Accept");
        if (accept != null && !accept.contains(MEDIA_TYPE)) {
            ProblemMapper.write(response, Problem.of(406, "This stream answers only " + MEDIA_TYPE
                    + " (Server-Sent Events); send Accept: " + MEDIA_TYPE + ".", request));
            return;
        }
        var refusal = streams.admit(account);
        if (refusal.isPresent()) {
            ProblemMapper.write(response, request, refusal.get() == EventStreams.Refusal.ACCOUNT_LIMIT
                    ? new TooManyRequestsException("This account has as many event streams open as it may; close"
                            + " one first.", RETRY_WHEN_FULL)
                    : new UnavailableException("This instance serves as many event streams as it can; try again"
                            + " shortly (another instance may have room).", RETRY_WHEN_FULL));
            return;
        }
        try {
            response.setStatus(200);
            response.setContentType(MEDIA_TYPE);
            // no proxy may hold the events back to buffer them
            response.setHeader("X-Accel-Buffering", "no");
            // the connection closes when the stream ends: kept alive, a stopping Tomcat would wait out its whole
            // drain for it (it waits for connections to close), and serve the client's reconnection on it there
            response.setHeader("Connection", "close");
            var async = request.startAsync();
            async.setTimeout(0);
            BooleanSupplier live = account == null ? null
                    : Authenticated.liveness(request).orElse(() -> true);
            String collection = request.getContextPath() + (todos ? "/api/todos" : "/api/books");
            var written = streams.open(async, todos ? "todos" : "books", todos ? account : null, account, live,
                    resumeFrom, collection);
            // the stream writes to the response underneath the access log's counting wrapper: it counts for itself
            request.setAttribute(AccessLogFilter.STREAMED_BYTES_ATTRIBUTE, written);
        } catch (IOException | RuntimeException e) {
            streams.release(account);
            throw e;
        }
    }

    /** {@code Last-Event-ID}, or else {@code ?after=}: a non-negative whole number; nothing else in the query. */
    private static Long resumeFrom(HttpServletRequest request) {
        var errors = new ArrayList<FieldError>();
        for (String name : Collections.list(request.getParameterNames())) {
            if (!name.equals("after")) {
                errors.add(new FieldError(name, "is not a parameter here (use after)"));
            } else if (request.getParameterValues(name).length > 1) {
                errors.add(new FieldError(name, "is given more than once"));
            }
        }
        String header = request.getHeader("Last-Event-ID");
        String after = request.getParameter("after");
        String value = header != null ? header.trim() : after;
        if (value != null && !POSITION.matcher(value).matches()) {
            errors.add(new FieldError(header != null ? "Last-Event-ID" : "after",
                    "must be the id of an event: a whole number, 0 or more"));
        }
        if (!errors.isEmpty()) {
            throw new BadParameterException(errors);
        }
        return value == null ? null : Long.parseLong(value);
    }
}
