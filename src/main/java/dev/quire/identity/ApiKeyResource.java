package dev.quire.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.quire.rest.Links;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The caller's API keys: create (the secret is in that answer only), list, read, revoke. Only a signed-in session
 * manages keys: no method here has a {@link dev.quire.rest.KeyScope}, so a key is refused (and
 * {@link Authenticated#session} refuses one again).
 */
@Path("/api/keys")
@Produces(MediaType.APPLICATION_JSON)
@SignedIn
public final class ApiKeyResource {
    private final IdentityService identity;

    public ApiKeyResource(IdentityService identity) {
        this.identity = identity;
    }

    /** Not {@code @Idempotent}: the answer holds the secret, which must not be stored for a replay. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Context HttpServletRequest request, NewKeyRequest body) {
        var created = identity.createApiKey(Authenticated.session(request),
                new NewApiKey(body.name(), body.scopes(), body.expiresAt()));
        var key = created.key();
        var response = new CreatedKeyResponse(created.secret(), key.id(), key.name(), key.prefix(), texts(key),
                key.createdAt(), key.lastUsedAt(), key.expiresAt(), keyLinks(key, request));
        return Response.created(URI.create(response.links().href("self"))).entity(response).build();
    }

    @GET
    public KeyListResponse list(@Context HttpServletRequest request) {
        var items = identity.apiKeys(Authenticated.session(request)).stream()
                .map(key -> KeyResponse.from(key, request)).toList();
        return new KeyListResponse(items, Links.from(request).add("self", "/api/keys"));
    }

    @GET
    @Path("{id}")
    public KeyResponse get(@Context HttpServletRequest request, @PathParam("id") String id) {
        return KeyResponse.from(identity.apiKey(Authenticated.session(request), id), request);
    }

    @DELETE
    @Path("{id}")
    public void revoke(@Context HttpServletRequest request, @PathParam("id") String id) {
        identity.revokeApiKey(Authenticated.session(request), id);
    }

    private static List<String> texts(ApiKey key) {
        return key.scopes().stream().map(ApiScope::text).toList();
    }

    private static Links keyLinks(ApiKey key, HttpServletRequest request) {
        return Links.from(request).add("self", "/api/keys/" + key.id());
    }

    /** {@code expiresAt} as text: the service parses it, so that a number (epoch seconds) is refused, not guessed. */
    public record NewKeyRequest(String name, List<String> scopes, String expiresAt) {}

    public record KeyResponse(String id, String name, String prefix, List<String> scopes, Instant createdAt,
                              Instant lastUsedAt, Instant expiresAt, @JsonProperty("_links") Links links) {
        static KeyResponse from(ApiKey key, HttpServletRequest request) {
            return new KeyResponse(key.id(), key.name(), key.prefix(), texts(key), key.createdAt(), key.lastUsedAt(),
                    key.expiresAt(), keyLinks(key, request));
        }
    }

    public record KeyListResponse(List<KeyResponse> items, @JsonProperty("_links") Links links) {}

    /** The one answer that carries the key's secret: shown once, kept by no one but the client. */
    public record CreatedKeyResponse(String secret, String id, String name, String prefix, List<String> scopes,
                                     Instant createdAt, Instant lastUsedAt, Instant expiresAt,
                                     @JsonProperty("_links") Links links) {
        @Override
        public String toString() {
            return "CreatedKeyResponse[secret=(secret), id=" + id + "]";
        }
    }
}
