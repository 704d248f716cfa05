package dev.quire.identity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** How a resource learns who is calling: the session the auth filter attached, or a 401. */
public final class Authenticated {
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

    private static Session session(Principal principal) {
        if (principal instanceof SessionPrincipal session) {
            return session.session();
        }
        throw new NotSignedInException();
    }
}
