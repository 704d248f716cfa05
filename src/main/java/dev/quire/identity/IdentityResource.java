package dev.quire.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
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
        // currentPassword is no member of the account: it is what a change of email must show
        var patch = MergePatch.of(body, Set.of("displayName", "email", "currentPassword"));
        boolean name = patch.has("displayName");
        boolean email = patch.has("email");
        if (!name && !email && !patch.has("currentPassword")) {
            return AccountResponse.from(identity.account(session, session.accountId().value()), request);
        }
        var update = new AccountUpdate(name, name ? patch.text("displayName") : null, email,
                email ? patch.text("email") : null, patch.has("currentPassword") ? patch.text("currentPassword") : null);
        patch.check();
        return AccountResponse.from(identity.updateAccount(session, update, request.getRemoteAddr()), request);
    }

    /** Mails a new verification link (for a pending change of address, if there is one). */
    @SignedIn
    @POST
    @Path("accounts/me/verification")
    public Response resendVerification(@Context HttpServletRequest request) {
        String to = identity.resendVerification(Authenticated.session(request));
        return Response.accepted(new VerificationSentResponse(to)).build();
    }

    /** 204: the link's token is the proof, and the answer gives its holder nothing more than "done". */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("email-verifications")
    public void verifyEmail(EmailVerificationRequest body) {
        identity.verifyEmail(body.token());
    }

    /** Always the same 202, whether or not an account has the address. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("password-resets")
    public Response requestPasswordReset(@Context HttpServletRequest request, PasswordResetRequest body) {
        identity.requestPasswordReset(body.email(), request.getRemoteAddr());
        return Response.accepted(PasswordResetAcceptedResponse.ANSWER).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("password-resets/{token}")
    public void resetPassword(@PathParam("token") String token, NewPasswordRequest body) {
        identity.resetPassword(token, body.password());
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

    public record EmailVerificationRequest(String token) {
        @Override
        public String toString() {
            return "EmailVerificationRequest[token=(secret)]";
        }
    }

    public record PasswordResetRequest(String email) {}

    public record NewPasswordRequest(String password) {
        @Override
        public String toString() {
            return "NewPasswordRequest[password=(secret)]";
        }
    }

    /** @param email the address the link was mailed to */
    public record VerificationSentResponse(String email) {}

    public record PasswordResetAcceptedResponse(String detail) {
        static final PasswordResetAcceptedResponse ANSWER = new PasswordResetAcceptedResponse("If an account has this"
                + " email address, a link to choose a new password has been mailed to it. The link works once, within"
                + " 30 minutes.");
    }

    /** @param pendingEmail only while a change of address waits for its confirmation */
    public record AccountResponse(String id, String email, boolean emailVerified,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) String pendingEmail, String displayName,
                                  Instant createdAt, @JsonProperty("_links") Links links) {
        static AccountResponse from(Account account, HttpServletRequest request) {
            return new AccountResponse(account.id().value(), account.email(), account.emailVerified(),
                    account.pendingEmail(), account.displayName(), account.createdAt(),
                    Links.from(request).add("self", "/api/accounts/" + account.id().value()));
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
