package dev.quire.identity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** How a resource learns who is calling: the session the auth filter attached, or a 401. */
public final class Authenticated {
    /** The request attribute holding a {@code BooleanSupplier}: is the request's session still live? */
    public static final String LIVENESS = Authenticated.class.getName() + ".liveness";

    private Authenticated() {}

    /**
     * The caller's session, from the servlet request (resources take only that: each further {@code @Context}
     * parameter is a lookup Jersey makes on every request).
     *
     * @throws NotSignedInException when the request carries no session
     */
    public static Session session(HttpServletRequest request) {
        return session(request.getUserPrincipal());
    }

    /** @throws NotSignedInException when the request carries no session */
    public static Session session(SecurityContext security) {
        return session(security == null ? null : security.getUserPrincipal());
    }

    /**
     * Asks, for as long as a response outlives its request (an event stream), whether the caller's session still
     * stands; the authenticating filter attaches it ({@link #LIVENESS}). Empty for a request without a session.
     */
    public static Optional<BooleanSupplier> liveness(HttpServletRequest request) {
        return request.getAttribute(LIVENESS) instanceof BooleanSupplier check ? Optional.of(check) : Optional.empty();
    }

    private static Session session(Principal principal) {
        if (principal instanceof SessionPrincipal session) {
            return session.session();
        }
        throw new NotSignedInException();
    }
}
