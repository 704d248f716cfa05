package dev.quire.identity;

import java.security.Principal;

/** Who an authenticated request comes from: a signed-in session, or an API key acting for its account. */
public sealed interface CallerPrincipal extends Principal permits SessionPrincipal, ApiKeyPrincipal {
    Account account();

    default AccountId accountId() {
        return account().id();
    }

    @Override
    default String getName() {
        return accountId().value();
    }
}
