package dev.quire.identity;

import java.util.Set;

/** The caller of a request made with an API key: the key's account, limited to the key's scopes. */
public record ApiKeyPrincipal(ApiKeyId keyId, Account account, Set<ApiScope> scopes) implements CallerPrincipal {
    public boolean has(ApiScope scope) {
        return scopes.contains(scope);
    }
}
