package dev.quire.identity;

import jakarta.ws.rs.core.SecurityContext;

/** How a resource learns who is calling: the session the auth filter attached, or a 401. */
public final class Authenticated {
    private Authenticated() {}

    /** @throws NotSignedInException when the request carries no session */
    public static Session session(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof SessionPrincipal principal) {
            return principal.session();
        }
        throw new NotSignedInException();
    }
}
