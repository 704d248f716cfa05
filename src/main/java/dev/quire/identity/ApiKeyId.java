package dev.quire.identity;

import dev.quire.shared.Ids;
import java.util.Optional;

record ApiKeyId(String value) {
    static final String PREFIX = "key";

    public ApiKeyId {
        if (!Ids.isWellFormed(PREFIX, value)) {
            throw new IllegalArgumentException("Not an API key id: " + value);
        }
    }

    static Optional<ApiKeyId> parse(String text) {
        return Ids.isWellFormed(PREFIX, text) ? Optional.of(new ApiKeyId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
