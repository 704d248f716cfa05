package dev.quire.identity;

import java.time.Instant;

/** A signed-in session, with the account it belongs to. Never carries the token. */
public record Session(SessionId id, Account account, Instant createdAt, Instant expiresAt) {

    public AccountId accountId() {
        return account.id();
    }
}
