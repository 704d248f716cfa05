package dev.quire.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One signed-in account and one of each thing it can own, made through the public API: a todo, a book (with an
 * ISBN), its own review of that book, and an API key. Tests aim hostile requests at these through the placeholders of
 * {@link #fill}.
 */
record Belongings(Identities.Caller caller, String sessionId, String todoId, String bookId, String reviewId,
                  String keyId, String apiKey) {
    static final String ISBN = "978-0-306-40615-7";

    static Belongings make(Http http, Identities identities, String name) {
        var caller = identities.newCaller(name);
        var session = created(http.request("GET", "/api/sessions/me").header("Authorization", caller.bearer()), 200);
        var todo = created(http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                .json("{\"title\":\"" + name + "'s private todo\",\"completed\":true}"), 201);
        var book = created(http.request("POST", "/api/books").header("Authorization", caller.bearer())
                .json("{\"title\":\"" + name + "'s book\",\"author\":\"" + name + "\",\"year\":1999,"
                        + "\"genre\":\"Essays\",\"isbn\":\"" + ISBN + "\"}"), 201);
        String bookId = book.json().path("id").asText();
        var review = created(http.request("POST", "/api/books/" + bookId + "/reviews")
                .header("Authorization", caller.bearer()).json("{\"rating\":4,\"text\":\"My own book.\"}"), 201);
        var key = created(http.request("POST", "/api/keys").header("Authorization", caller.bearer())
                .json("{\"name\":\"" + name + "'s key\",\"scopes\":[\"todos:read\"]}"), 201);
        return new Belongings(caller, session.json().path("id").asText(), todo.json().path("id").asText(), bookId,
                review.json().path("id").asText(), key.json().path("id").asText(),
                key.json().path("secret").asText());
    }

    private static Http.Response created(Http.Request request, int status) {
        var response = request.send();
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        return response;
    }

    /** The token with the last character of its secret changed: the right session id, a wrong secret. */
    String tamperedToken() {
        String token = caller.token();
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    /**
     * Replaces {token}, {tamperedToken}, {sessionId}, {account}, {email}, {EMAIL}, {todo}, {book}, {review}, {key}
     * (the id of A's todos:read API key) and {apiKey} (the key itself).
     */
    UnaryOperator<String> fill() {
        var values = Map.ofEntries(
                Map.entry("{token}", caller.token()),
                Map.entry("{tamperedToken}", tamperedToken()),
                Map.entry("{sessionId}", sessionId),
                Map.entry("{account}", caller.accountId()),
                Map.entry("{email}", caller.email()),
                Map.entry("{EMAIL}", caller.email().toUpperCase(Locale.ROOT)),
                Map.entry("{todo}", todoId),
                Map.entry("{book}", bookId),
                Map.entry("{review}", reviewId),
                Map.entry("{key}", keyId),
                Map.entry("{apiKey}", apiKey));
        return text -> {
            String filled = text;
            for (var entry : values.entrySet()) {
                filled = filled.replace(entry.getKey(), entry.getValue());
            }
            return filled;
        };
    }
}
