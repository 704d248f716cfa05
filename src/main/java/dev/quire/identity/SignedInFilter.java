package dev.quire.identity;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/**
 * Refuses, with 401, a request to a {@link SignedIn} method that carries no session or API key; whether a key may call
 * the method is {@link KeyScopeFilter}'s to say.
 */
@SignedIn
@Priority(Priorities.AUTHENTICATION)
public final class SignedInFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        Authenticated.caller(request.getSecurityContext());
    }
}
