package dev.quire.http;

import dev.quire.identity.Authenticated;
import dev.quire.identity.CallerPrincipal;
import dev.quire.identity.IdentityService;
import dev.quire.identity.InvalidTokenException;
import dev.quire.rest.ApiPaths;
import dev.quire.shared.DomainException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Collections;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.MDC;

/**
 * Identifies the caller of a request under /api from {@code Authorization: Bearer <token>}: a session's token, or an
 * API key ({@code quire_pat_...}), which the Jersey {@code KeyScopeFilter} then holds to its scopes. Without the header the
 * request goes on anonymous, and resources that need a session refuse it. A header that does not prove a live
 * session (malformed, another scheme, tampered, expired, revoked) is refused here with 401 on every route:
 * credentials that fail are an error to report, not a reason to serve the caller as someone else.
 */
public final class AuthTokenFilter extends HttpFilter {
    public static final String MDC_ACCOUNT_ID = "accountId";
    private static final String BEARER = "bearer ";
    private static final long serialVersionUID = 1L;

    private final transient IdentityService identity;

    public AuthTokenFilter(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var headers = Collections.list(request.getHeaders("Authorization"));
        if (headers.isEmpty() || !ApiPaths.isUnderApi(request)) {
            chain.doFilter(request, response);
            return;
        }
        CallerPrincipal caller;
        try {
            caller = identity.authenticate(bearerToken(headers.size() == 1 ? headers.get(0) : null));
        } catch (DomainException refused) {
            ProblemMapper.write(response, request, refused);
            return;
        }
        // a key counts as its account: the per-account limit, the access line and the logs see the account
        String accountId = caller.accountId().value();
        request.setAttribute(AccessLogFilter.ACCOUNT_ID_ATTRIBUTE, accountId);
        request.setAttribute(Authenticated.LIVENESS, (BooleanSupplier) () -> identity.isLive(caller));
        MDC.put(MDC_ACCOUNT_ID, accountId);
        try {
            chain.doFilter(new AuthenticatedRequest(request, caller), response);
        } finally {
            MDC.remove(MDC_ACCOUNT_ID);
        }
    }

    private static String bearerToken(String header) {
        if (header == null) {
            throw new InvalidTokenException("Send exactly one Authorization header.");
        }
        if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw new InvalidTokenException("Only bearer tokens are accepted: send Authorization: Bearer <token>.");
        }
        String token = header.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            throw new InvalidTokenException("The bearer token is empty.");
        }
        return token;
    }

    /** The request as Jersey's SecurityContext and any servlet code see it: with the caller as its principal. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final CallerPrincipal principal;

        AuthenticatedRequest(HttpServletRequest request, CallerPrincipal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.getName();
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
