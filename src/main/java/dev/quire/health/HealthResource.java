package dev.quire.health;

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
    private static final Map<String, String> UP = Map.of("status", "UP");

    private final DatabaseProbe database;

    public HealthResource(DatabaseProbe database) {
        this.database = database;
    }

    @GET
    @Path("live")
    public Map<String, String> live() {
        return UP;
    }

    @GET
    @Path("ready")
    public Map<String, Object> ready() {
        if (!database.answers()) {
            throw new NotReadyException();
        }
        return Map.of("status", "UP", "checks", Map.of("database", "UP"));
    }
}
