package dev.quire.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.rest.KeyScope;
import dev.quire.rest.Links;
import dev.quire.rest.MergePatch;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Accounts and sessions over HTTP: translates JSON to service calls and back, nothing more. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
// @Consumes on the methods that take a body: a GET or DELETE is never refused for a Content-Type it happens to carry
public final class IdentityResource {
    private final IdentityService identity;

    public IdentityResource(IdentityService identity) {
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("accounts")
    public Response signUp(@Context HttpServletRequest request, SignUpRequest body) {
        var account = AccountResponse.from(
                identity.signUp(new NewAccount(body.email(), body.password(), body.displayName())), request);
        return Response.created(URI.create(account.links().href("self"))).entity(account).build();
    }

    @SignedIn
    @KeyScope(KeyScope.ACCOUNT_READ)
    @GET
    @Path("accounts/me")
    public AccountResponse me(@Context HttpServletRequest request) {
        var caller = Authenticated.account(request).id();
        return AccountResponse.from(identity.account(caller, caller.value()), request);
    }

    @SignedIn
    @PATCH
    @Path("accounts/me")
    @Consumes({MediaType.APPLICATION_JSON, MergePatch.MEDIA_TYPE})
    public AccountResponse patchMe(@Context HttpServletRequest request, JsonNode body) {
        var session = Authenticated.session(request);
        var patch = MergePatch.of(body, Set.of("displayName"));
        if (!patch.has("displayName")) {
            return AccountResponse.from(identity.account(session, session.accountId().value()), request);
        }
        String displayName = patch.text("displayName");
        patch.check();
        return AccountResponse.from(identity.rename(session, displayName), request);
    }

    @SignedIn
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("accounts/me/password")
    public void changePassword(@Context HttpServletRequest request, PasswordChangeRequest body) {
        identity.changePassword(Authenticated.session(request), body.currentPassword(), body.newPassword(),
                request.getRemoteAddr());
    }

    @SignedIn
    @KeyScope(KeyScope.ACCOUNT_READ)
    @GET
    @Path("accounts/{id}")
    public AccountResponse account(@Context HttpServletRequest request, @PathParam("id") String id) {
        return AccountResponse.from(identity.account(Authenticated.account(request).id(), id), request);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("sessions")
    public Response signIn(@Context HttpServletRequest request, SignInRequest body) {
        var started = identity.signIn(new Credentials(body.email(), body.password()), request.getRemoteAddr(),
                request.getHeader("User-Agent"));
        var session = started.session();
        var response = new StartedSessionResponse(started.token(), session.id().value(), session.accountId().value(),
                session.createdAt(), session.expiresAt(), AccountResponse.from(session.account(), request),
                SessionResponse.links(session, request));
        return Response.created(URI.create(response.links().href("self"))).entity(response).build();
    }

    @SignedIn
    @GET
    @Path("sessions/me")
    public SessionResponse currentSession(@Context HttpServletRequest request) {
        return SessionResponse.from(Authenticated.session(request), request);
    }

    @SignedIn
    @DELETE
    @Path("sessions/me")
    public void signOut(@Context HttpServletRequest request) {
        identity.signOut(Authenticated.session(request));
    }

    @SignedIn
    @DELETE
    @Path("sessions")
    public void signOutEverywhere(@Context HttpServletRequest request) {
        identity.signOutEverywhere(Authenticated.session(request).accountId());
    }

    @SignedIn
    @GET
    @Path("sessions")
    public SessionListResponse sessions(@Context HttpServletRequest request) {
        var items = identity.sessions(Authenticated.session(request)).stream()
                .map(session -> SessionDetailsResponse.from(session, request)).toList();
        return new SessionListResponse(items, Links.from(request).add("self", "/api/sessions"));
    }

    /** Ends every other session of the caller's account; the caller's own goes on ("sign out everywhere else"). */
    @SignedIn
    @DELETE
    @Path("sessions/others")
    public void signOutEverywhereElse(@Context HttpServletRequest request) {
        identity.signOutEverywhereElse(Authenticated.session(request));
    }

    @SignedIn
    @DELETE
    @Path("sessions/{id}")
    public void endSession(@Context HttpServletRequest request, @PathParam("id") String id) {
        identity.endSession(Authenticated.session(request), id);
    }

    public record SignUpRequest(String email, String password, String displayName) {
        @Override
        public String toString() {
            return "SignUpRequest[email=" + email + ", password=(secret), displayName=" + displayName + "]";
        }
    }

    public record SignInRequest(String email, String password) {
        @Override
        public String toString() {
            return "SignInRequest[email=" + email + ", password=(secret)]";
        }
    }

    public record PasswordChangeRequest(String currentPassword, String newPassword) {
        @Override
        public String toString() {
            return "PasswordChangeRequest[(secret)]";
        }
    }

    public record AccountResponse(String id, String email, String displayName, Instant createdAt,
                                  @JsonProperty("_links") Links links) {
        static AccountResponse from(Account account, HttpServletRequest request) {
            return new AccountResponse(account.id().value(), account.email(), account.displayName(),
                    account.createdAt(), Links.from(request).add("self", "/api/accounts/" + account.id().value()));
        }
    }

    public record SessionResponse(String id, String accountId, Instant createdAt, Instant expiresAt,
                                  AccountResponse account, @JsonProperty("_links") Links links) {
        static SessionResponse from(Session session, HttpServletRequest request) {
            return new SessionResponse(session.id().value(), session.accountId().value(), session.createdAt(),
                    session.expiresAt(), AccountResponse.from(session.account(), request), links(session, request));
        }

        static Links links(Session session, HttpServletRequest request) {
            return Links.from(request)
                    .add("self", "/api/sessions/me")
                    .add("account", "/api/accounts/" + session.accountId().value());
        }
    }

    public record SessionDetailsResponse(String id, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
                                         String userAgent, String clientAddress, boolean current) {
        static SessionDetailsResponse from(SessionDetails session, HttpServletRequest request) {
            return new SessionDetailsResponse(session.id(), session.createdAt(), session.lastUsedAt(),
                    session.expiresAt(), session.userAgent(), session.clientAddress(), session.current());
        }
    }

    public record SessionListResponse(List<SessionDetailsResponse> items, @JsonProperty("_links") Links links) {}

    /** The one response that carries the token: keep it secret, send it as {@code Authorization: Bearer}. */
    public record StartedSessionResponse(String token, String id, String accountId, Instant createdAt,
                                         Instant expiresAt, AccountResponse account,
                                         @JsonProperty("_links") Links links) {
        @Override
        public String toString() {
            return "StartedSessionResponse[token=(secret), id=" + id + "]";
        }
    }
}
