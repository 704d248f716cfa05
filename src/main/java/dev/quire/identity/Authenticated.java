package dev.quire.identity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * How a resource learns who is calling: the session or API key the auth filter attached, or a 401. Routes that act
 * for an account ({@link #account}) serve both; routes that manage the account's sign-in ({@link #session}) serve
 * only a session, and refuse a key with 403 even if a route forgot to say so.
 */
public final class Authenticated {
    /** The request attribute holding a {@code BooleanSupplier}: is the request's session (or key) still live? */
    public static final String LIVENESS = Authenticated.class.getName() + ".liveness";

    private Authenticated() {}

    /**
     * The caller's session, from the servlet request (resources take only that: each further {@code @Context}
     * parameter is a lookup Jersey makes on every request).
     *
     * @throws NotSignedInException when the request carries no session
     * @throws NotForApiKeysException when it carries an API key
     */
    public static Session session(HttpServletRequest request) {
        return session(request.getUserPrincipal());
    }

    /**
     * @throws NotSignedInException when the request carries no session
     * @throws NotForApiKeysException when it carries an API key
     */
    public static Session session(SecurityContext security) {
        return session(security == null ? null : security.getUserPrincipal());
    }

    /** The account the request acts for, through a session or an API key. @throws NotSignedInException without */
    public static Account account(HttpServletRequest request) {
        return caller(request.getUserPrincipal()).account();
    }

    /** The caller, session or key. @throws NotSignedInException without either */
    public static CallerPrincipal caller(SecurityContext security) {
        return caller(security == null ? null : security.getUserPrincipal());
    }

    /**
     * For what is not a resource method (an event stream's servlet): refuses an API key without {@code scope}. A
     * session, or no caller at all, passes.
     *
     * @throws InsufficientScopeException when the caller is a key without the scope
     */
    public static void requireScope(HttpServletRequest request, String scope) {
        if (request.getUserPrincipal() instanceof ApiKeyPrincipal key) {
            var needed = ApiScope.parse(scope).orElseThrow(() -> new IllegalArgumentException("No scope " + scope));
            if (!key.has(needed)) {
                throw new InsufficientScopeException(needed);
            }
        }
    }

    /**
     * Asks, for as long as a response outlives its request (an event stream), whether the caller's session or key
     * still stands; the authenticating filter attaches it ({@link #LIVENESS}). Empty for a request without a caller.
     */
    public static Optional<BooleanSupplier> liveness(HttpServletRequest request) {
        return request.getAttribute(LIVENESS) instanceof BooleanSupplier check ? Optional.of(check) : Optional.empty();
    }

    private static Session session(Principal principal) {
        if (principal instanceof SessionPrincipal session) {
            return session.session();
        }
        if (principal instanceof ApiKeyPrincipal) {
            throw new NotForApiKeysException();
        }
        throw new NotSignedInException();
    }

    private static CallerPrincipal caller(Principal principal) {
        if (principal instanceof CallerPrincipal caller) {
            return caller;
        }
        throw new NotSignedInException();
    }
}
