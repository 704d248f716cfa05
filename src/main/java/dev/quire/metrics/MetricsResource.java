package dev.quire.metrics;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format, for a Prometheus server to scrape. Open unless
 * {@code QUIRE_METRICS_TOKEN} is set; then only a request carrying it as a bearer token is answered.
 */
@Path("/metrics")
public final class MetricsResource {
    /** The Prometheus text exposition format, which every Prometheus version accepts. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String BEARER = "Bearer ";

    private final Metrics metrics;
    private final Optional<byte[]> token;

    public MetricsResource(Metrics metrics, Optional<String> token) {
        this.metrics = metrics;
        this.token = token.map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    @GET
    @Produces(TEXT_FORMAT)
    public String scrape(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (token.isPresent() && !carriesToken(authorization, token.get())) {
            throw new MetricsTokenRequiredException();
        }
        return metrics.scrape();
    }

    private static boolean carriesToken(String authorization, byte[] expected) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // constant time: how much of a guess was right must not show in how long the answer takes
        return MessageDigest.isEqual(presented, expected);
    }
}
