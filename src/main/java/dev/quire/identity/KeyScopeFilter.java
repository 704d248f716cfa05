package dev.quire.identity;

import dev.quire.rest.KeyScope;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;

/**
 * Holds API keys to their scopes on every resource method: the method's {@link KeyScope} (or its class's) names the
 * scope a key needs, and a method that names none is refused to keys with 403 (fail closed: a route added without
 * thinking about keys is not open to them). Runs after {@link SignedInFilter}, so a caller without credentials still
 * hears 401 first; requests with a session, or anonymous ones, pass untouched.
 */
@Priority(Priorities.AUTHORIZATION)
public final class KeyScopeFilter implements ContainerRequestFilter {
    @Context
    private ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        var security = request.getSecurityContext();
        if (security == null || !(security.getUserPrincipal() instanceof ApiKeyPrincipal key)
                || request.getMethod().equals("OPTIONS")) {
            return;
        }
        var declared = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(KeyScope.class);
        if (declared == null && resource.getResourceClass() != null) {
            declared = resource.getResourceClass().getAnnotation(KeyScope.class);
        }
        if (declared == null) {
            throw new NotForApiKeysException();
        }
        if (declared.value().equals(KeyScope.NONE)) {
            return;
        }
        // a scope no key can have (a typo in an annotation) refuses every key: still closed
        var needed = ApiScope.parse(declared.value()).orElseThrow(NotForApiKeysException::new);
        if (!key.has(needed)) {
            throw new InsufficientScopeException(needed);
        }
    }
}
