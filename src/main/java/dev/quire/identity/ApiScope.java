package dev.quire.identity;

import dev.quire.rest.KeyScope;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What an API key may do. Each route that a key may call names the one scope it needs ({@link KeyScope}). */
public enum ApiScope {
    TODOS_READ(KeyScope.TODOS_READ),
    TODOS_WRITE(KeyScope.TODOS_WRITE),
    BOOKS_WRITE(KeyScope.BOOKS_WRITE),
    REVIEWS_WRITE(KeyScope.REVIEWS_WRITE),
    ACCOUNT_READ(KeyScope.ACCOUNT_READ);

    /** Every scope's name, comma-separated, for messages that list them. */
    static final String NAMES = Arrays.stream(values()).map(ApiScope::text).collect(Collectors.joining(", "));

    private final String text;

    ApiScope(String text) {
        this.text = text;
    }

    /** The scope's name as clients write it: {@code todos:read}. */
    public String text() {
        return text;
    }

    public static Optional<ApiScope> parse(String text) {
        return Arrays.stream(values()).filter(scope -> scope.text.equals(text)).findFirst();
    }
}
