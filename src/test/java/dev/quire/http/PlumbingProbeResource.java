package dev.quire.http;

import dev.quire.shared.DomainException;
import dev.quire.shared.FieldError;
import dev.quire.shared.ValidationException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;

/**
 * A resource only the tests add, to drive the shared plumbing (JSON binding, problem mapping, the 500 path)
 * before features exist that exercise it, and where no feature would fail on purpose.
 */
@Path("/api/test-probe")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class PlumbingProbeResource {

    public record Sample(String name, Integer count, Boolean flag, List<String> tags, Nested nested) {}

    public record Nested(Integer size) {}

    @POST
    public Sample echo(Sample body) {
        return body;
    }

    @POST
    @Path("rules")
    public Sample rules(Sample body) {
        throw new ValidationException(List.of(
                new FieldError("name", "must not be blank"),
                new FieldError("count", "must be at least 1")));
    }

    @GET
    @Path("failure")
    public Sample failure() {
        throw new IllegalStateException("org.h2.jdbc.JdbcSQLException: select password_hash from accounts");
    }

    /** An INVALID rule failure that carries no field list. */
    @GET
    @Path("invalid-without-fields")
    public Sample invalidWithoutFields() {
        throw new DomainException(DomainException.Kind.INVALID, "the sample as a whole is inconsistent") {
            private static final long serialVersionUID = 1L;
        };
    }

    /** A resource that sets its own Vary, as caching resources will. */
    @GET
    @Path("vary")
    public Response vary() {
        return Response.ok(new Sample("varied", null, null, null, null)).header("Vary", "Accept-Encoding").build();
    }

    /** Reads the body through the servlet reader rather than the stream. */
    @POST
    @Path("reader")
    @Consumes(MediaType.TEXT_PLAIN)
    public Sample reader(@Context HttpServletRequest request) throws IOException {
        long count = 0;
        var reader = request.getReader();
        while (reader.read() >= 0) {
            count++;
        }
        return new Sample("read", (int) count, null, null, null);
    }
}
