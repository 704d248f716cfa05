package dev.quire.docs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.quire.rest.KeyScope;
import dev.quire.rest.Links;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api}: the entry point a client starts from and follows links out of. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public final class ApiRootResource {
    private final String version;

    public ApiRootResource(String version) {
        this.version = version;
    }

    @KeyScope(KeyScope.NONE)
    @GET
    public ApiRoot root(@Context HttpServletRequest request) {
        var links = Links.from(request)
                .add("self", "/api")
                .add("accounts", "/api/accounts")
                .add("sessions", "/api/sessions")
                .add("keys", "/api/keys")
                .add("email-verifications", "/api/email-verifications")
                .add("password-resets", "/api/password-resets")
                .add("todos", "/api/todos")
                .add("books", "/api/books")
                .add("genres", "/api/genres")
                .add("health-live", "/health/live")
                .add("health-ready", "/health/ready")
                .add("openapi", "/api/openapi.json")
                .add("docs", "/docs/");
        return new ApiRoot("Quire", version, links);
    }

    public record ApiRoot(String name, String version, @JsonProperty("_links") Links links) {}
}
