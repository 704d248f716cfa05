package dev.quire.identity;

import java.security.Principal;

/** The caller of an authenticated request, as the servlet request and JAX-RS SecurityContext present it. */
public record SessionPrincipal(Session session) implements Principal {
    @Override
    public String getName() {
        return session.accountId().value();
    }
}
