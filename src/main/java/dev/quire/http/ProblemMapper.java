package dev.quire.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import dev.quire.rest.Json;
import dev.quire.shared.DomainException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The only place an exception becomes an HTTP status. Every failure inside Jersey comes here and leaves as
 * {@code application/problem+json}; filters, which run outside Jersey, use {@link #write}.
 */
@Provider
public final class ProblemMapper implements ExceptionMapper<Throwable> {
    /** How long a client should wait before retrying when the refusal does not say. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(ProblemMapper.class);

    // JAX-RS types, not HttpServletRequest: HK2 cannot proxy a Servlet API type into a singleton when the
    // container's class loader supplies that API (every real container; found by WarDeploymentIT)
    private final UriInfo uri;
    private final Request request;
    private final HttpHeaders headers;

    public ProblemMapper(@Context UriInfo uri, @Context Request request, @Context HttpHeaders headers) {
        this.uri = uri;
        this.request = request;
        this.headers = headers;
    }

    @Override
    public Response toResponse(Throwable error) {
        try {
            return map(error);
        } catch (RuntimeException failure) {
            // a mapper that throws leaves Jersey to answer an empty 500: answer a problem whatever happens
            failure.addSuppressed(error);
            log.error("Failed to map an exception to a problem", failure);
            return Response.status(500).type(Problem.MEDIA_TYPE)
                    .entity(Problem.of(500, Problem.UNEXPECTED_DETAIL, null, MDC.get(RequestIdFilter.MDC_KEY))).build();
        }
    }

    private Response map(Throwable error) {
        if (error instanceof DomainException domain) {
            return fromDomain(domain);
        }
        var tooLarge = causeOfType(error, BodyTooLargeException.class);
        if (tooLarge != null) {
            // the rest of the body is never read: close the connection rather than drain it
            return problem(413, tooLarge.getMessage()).header("Connection", "close").build();
        }
        // before the JSON check: a parser may wrap the failure of the stream under it
        var unread = causeOfType(error, BodyReadException.class);
        if (unread != null) {
            // the client's doing (too slow, or gone), not Quire's: no error, no stack trace
            logUnread(request.getMethod(), path(), unread);
            return problem(408, BodyReadException.DETAIL).header("Connection", "close").build();
        }
        var notUtf8 = causeOfType(error, Utf8Bodies.MalformedException.class);
        if (notUtf8 != null) {
            return problem(400, notUtf8.getMessage()).build();
        }
        var json = causeOfType(error, JsonProcessingException.class);
        // a type Quire cannot bind (InvalidDefinitionException) is Quire's bug, not the client's: a 500 below
        if (json != null && !(json instanceof InvalidDefinitionException)) {
            var bad = JsonErrors.describe(json);
            return respond(problemOf(bad.status(), bad.detail()).withErrors(bad.errors())).build();
        }
        if (error instanceof WebApplicationException web && web.getResponse().getStatus() != 500) {
            return fromJaxRs(web);
        }
        log.error("Unexpected failure answering {} {}", request.getMethod(), AccessLogFilter.redactedPath(path()), error);
        return problem(500, Problem.UNEXPECTED_DETAIL).build();
    }

    private Response fromDomain(DomainException error) {
        var response = respond(problemOf(error, path(), MDC.get(RequestIdFilter.MDC_KEY)));
        headersOf(error).forEach(response::header);
        return response.build();
    }

    /** The one table from a domain failure to an HTTP status. */
    static int statusOf(DomainException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case INVALID -> 422;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PRECONDITION_FAILED -> 412;
            case TOO_MANY_REQUESTS -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    /** The headers a domain failure's answer carries: the auth challenge, when to retry. */
    static Map<String, String> headersOf(DomainException error) {
        var headers = new LinkedHashMap<String, String>();
        if (error.kind() == DomainException.Kind.UNAUTHENTICATED) {
            headers.put(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"quire\"");
        }
        error.challenge().ifPresent(challenge -> headers.put(HttpHeaders.WWW_AUTHENTICATE, challenge));
        boolean waitAndRetry = error.kind() == DomainException.Kind.TOO_MANY_REQUESTS
                || error.kind() == DomainException.Kind.UNAVAILABLE;
        error.retryAfter().or(() -> waitAndRetry ? Optional.of(DEFAULT_RETRY_AFTER) : Optional.empty())
                .ifPresent(wait -> headers.put(HttpHeaders.RETRY_AFTER, String.valueOf(wait.toSeconds())));
        return headers;
    }

    static Problem problemOf(DomainException error, String instance, String requestId) {
        return Problem.of(statusOf(error.kind()), error.getMessage(), instance, requestId).withErrors(error.errors());
    }

    /** Jersey's own refusals keep their status and headers ({@code Allow} on a 405), with a detail that helps. */
    private Response fromJaxRs(WebApplicationException error) {
        var original = error.getResponse();
        int status = original.getStatus();
        String detail = switch (status) {
            case 404 -> Problem.notFoundDetail(path());
            case 405 -> Problem.methodNotAllowedDetail(request.getMethod(), allowed(original));
            case 406 -> "This resource cannot answer in any media type the Accept header asks for"
                    + " (the API answers application/json).";
            case 415 -> "Content-Type " + (headers.getMediaType() == null ? "(none)" : headers.getMediaType())
                    + " is not supported here; send application/json"
                    + (request.getMethod().equals("PATCH") ? " or application/merge-patch+json." : ".");
            default -> Problem.title(status) + ".";
        };
        var response = problem(status, detail);
        original.getStringHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)
                    && !name.equalsIgnoreCase(HttpHeaders.ALLOW)) {
                values.forEach(value -> response.header(name, value));
            }
        });
        if (status == 405) {
            response.header(HttpHeaders.ALLOW, allowed(original));
        }
        return response.build();
    }

    /** The methods of a 405, HEAD included wherever GET is: Jersey answers HEAD for every GET but omits it here. */
    private static String allowed(Response refusal) {
        var methods = new TreeSet<>(refusal.getAllowedMethods());
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return String.join(", ", methods);
    }

    private Problem problemOf(int status, String detail) {
        return Problem.of(status, detail, path(), MDC.get(RequestIdFilter.MDC_KEY));
    }

    /** The request's path as the client sent it, context path included. */
    private String path() {
        return uri.getRequestUri().getRawPath();
    }

    private Response.ResponseBuilder problem(int status, String detail) {
        return respond(problemOf(status, detail));
    }

    private static Response.ResponseBuilder respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** One line at INFO for a body the container could not deliver: what the container said, no stack trace. */
    static void logUnread(String method, String path, BodyReadException unread) {
        logUnread(method, path, unread.reason());
    }

    /** As above, with the container's own words (Tomcat's error page gets its IOException, not ours). */
    static void logUnread(String method, String path, String reason) {
        log.info("Request body not received for {} {}: {}", method, AccessLogFilter.redactedPath(path), reason);
    }

    /** Writes a domain failure from outside Jersey (a filter), with the same status and headers as inside. */
    public static void write(HttpServletResponse response, HttpServletRequest request, DomainException error)
            throws IOException {
        headersOf(error).forEach(response::setHeader);
        write(response, problemOf(error, request.getRequestURI(), RequestIdFilter.idOf(request)));
    }

    /** Writes a problem from outside Jersey (a filter or the error page), on a response nothing has been written to. */
    public static void write(HttpServletResponse response, Problem problem) throws IOException {
        byte[] body = Json.mapper().writeValueAsBytes(problem);
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
