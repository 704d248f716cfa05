package dev.quire.identity;

import dev.quire.shared.Ids;
import java.util.Optional;

record SessionId(String value) {
    static final String PREFIX = "ses";

    public SessionId {
        if (!Ids.isWellFormed(PREFIX, value)) {
            throw new IllegalArgumentException("Not a session id: " + value);
        }
    }

    static Optional<SessionId> parse(String text) {
        return Ids.isWellFormed(PREFIX, text) ? Optional.of(new SessionId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
