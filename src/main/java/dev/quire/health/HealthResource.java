package dev.quire.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Probes for orchestrators and load balancers: {@code live} answers while the process runs and does no
 * other work; {@code ready} answers 200 only while the database does (within one second), else 503.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private static final Status LIVE = new Status("UP", null);
    private static final Status READY = new Status("UP", Map.of("database", "UP"));

    private final DatabaseProbe database;

    public HealthResource(DatabaseProbe database) {
        this.database = database;
    }

    @GET
    @Path("live")
    public Status live() {
        return LIVE;
    }

    @GET
    @Path("ready")
    public Status ready() {
        if (!database.answers()) {
            throw new NotReadyException();
        }
        return READY;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String status, Map<String, String> checks) {}
}
