package reference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /jersey/object}: a Jersey resource returning a fixed record that Jackson writes as JSON, the same JSON
 * as Quire's {@code GET /health/live} ({@code {"status":"UP"}}). Quire's {@code ceiling} does exactly this plus its
 * filter chain (request id, access log, security headers, CORS, limits, authentication): the difference is that
 * chain's cost.
 */
@Path("/object")
@Produces(MediaType.APPLICATION_JSON)
public final class ObjectResource {
    private static final Status UP = new Status("UP");

    @GET
    public Status get() {
        return UP;
    }

    public record Status(String status) {}
}
