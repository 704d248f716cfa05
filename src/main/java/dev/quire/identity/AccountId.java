package dev.quire.identity;

import dev.quire.shared.Ids;
import java.util.Optional;

public record AccountId(String value) {
    static final String PREFIX = "acct";

    public AccountId {
        if (!Ids.isWellFormed(PREFIX, value)) {
            throw new IllegalArgumentException("Not an account id: " + value);
        }
    }

    /** The id named by text from a client, if it has the shape of one. */
    public static Optional<AccountId> parse(String text) {
        return Ids.isWellFormed(PREFIX, text) ? Optional.of(new AccountId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
