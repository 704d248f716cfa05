package dev.quire.identity;

/** The caller of a request made with a session's token, as the servlet request and JAX-RS SecurityContext present it. */
public record SessionPrincipal(Session session) implements CallerPrincipal {
    @Override
    public Account account() {
        return session.account();
    }
}
