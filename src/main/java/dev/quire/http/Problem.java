package dev.quire.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.quire.shared.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** An RFC 9457 problem: every error Quire answers is one of these, as {@code application/problem+json}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        URI type, String title, int status, String detail, String instance, String requestId,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** The only detail a 500 ever gives: the cause is in the log, under the request id. */
    public static final String UNEXPECTED_DETAIL =
            "An unexpected error occurred. It has been logged; quote the request id when reporting it.";
    private static final URI ABOUT_BLANK = URI.create("about:blank");

    /** RFC 9110's names, where JAX-RS still has the older ones (413, 414, 416, 422) or none. */
    private static final Map<Integer, String> TITLES = Map.of(
            413, "Content Too Large",
            414, "URI Too Long",
            416, "Range Not Satisfiable",
            421, "Misdirected Request",
            422, "Unprocessable Content",
            426, "Upgrade Required",
            428, "Precondition Required",
            429, "Too Many Requests");

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
        // a password reset's token travels in its path, and a client may put an API key in one: an answer does not
        // hand either on to whatever logs answers
        instance = AccessLogFilter.redactedPath(instance);
        if (instance != null) {
            // "[redacted]" in a URI reference: its brackets percent-encoded
            instance = instance.replace("[", "%5B").replace("]", "%5D");
        }
    }

    public static Problem of(int status, String detail, String instance, String requestId) {
        return new Problem(ABOUT_BLANK, title(status), status, detail, instance, requestId, List.of());
    }

    /** A problem about the request being answered: its path is the instance, its id the requestId. */
    public static Problem of(int status, String detail, HttpServletRequest request) {
        return of(status, detail, request.getRequestURI(), RequestIdFilter.idOf(request));
    }

    public static String notFoundDetail(String path) {
        return "There is no resource at " + AccessLogFilter.redactedPath(path) + ".";
    }

    static String methodNotAllowedDetail(String method, String allowed) {
        return method + " is not allowed here. Allowed: " + allowed + ".";
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, requestId, fieldErrors);
    }

    /** RFC 9110's reason phrase for the status. */
    public static String title(int status) {
        String title = TITLES.get(status);
        if (title != null) {
            return title;
        }
        var known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : "Error";
    }
}
