package dev.quire.identity;

import dev.quire.shared.DomainException;
import java.util.Optional;

/**
 * An API key asked for something its scopes do not cover (RFC 6750 section 3.1): 403, with a challenge that names the
 * scope needed.
 */
public final class InsufficientScopeException extends DomainException {
    private static final long serialVersionUID = 1L;

    private final String scope;

    InsufficientScopeException(ApiScope scope) {
        super(Kind.FORBIDDEN, "This API key does not have the scope " + scope.text() + ", which this request needs.");
        this.scope = scope.text();
    }

    @Override
    public Optional<String> challenge() {
        return Optional.of("Bearer realm=\"quire\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
    }
}
