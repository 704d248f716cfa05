package dev.quire.security;

import java.util.List;

/**
 * Who may do what to account A's things, route by route: the rule table the authorization matrix checks. Every
 * route the application serves must have exactly one rule here, so a new route cannot escape the matrix. The
 * expected answers are docs/API.md's rules: todos are private (another account gets 404, as if the todo did not exist;
 * it is the same 404 as for an unknown id), the catalogue is shared (anyone reads a book and its reviews, any
 * account may review any book), but only the account that added a book changes or deletes it (403 for others),
 * only a review's author deletes it (403), another account's profile is 404, and sessions are only ever "me". The
 * change streams follow the same line: the todos stream is the caller's own, the catalogue's is public. Sessions and
 * API keys are the caller's own: another account's is 404. Each rule also names the scope an API key needs there;
 * routes that manage sign-in (keys, sessions, password, account) are closed to every key.
 */
final class AuthorizationRules {
    /** What a route touches. */
    enum Scope {
        /** Names one of A's things in its path: B and an anonymous caller aim at A's ids. */
        OBJECT,
        /** Acts on the caller's own account, sessions or list: there is no way to name A's; B acts on B's. */
        OWN,
        /** Belongs to no account: the same for B, for anyone, and for A. */
        PUBLIC
    }

    /**
     * @param route        the route as Jersey serves it: method and path template
     * @param target       the path to call, with A's ids as placeholders (see {@link Belongings#fill})
     * @param body         the JSON to send (valid, so that only authorization can refuse it), or null
     * @param forB         the status account B gets
     * @param forAnonymous the status a caller without a session gets
     * @param keyScope     the scope an API key needs here ({@link #ANY}: any key, {@link #NO_KEY}: no key may);
     *                     a key with it gets what B gets, a key without it 403 insufficient_scope
     */
    record Rule(String route, Scope scope, String target, String body, int forB, int forAnonymous, String keyScope,
                String why) {
        String method() {
            return route.substring(0, route.indexOf(' '));
        }

        @Override
        public String toString() {
            return route + " (" + scope + "): B " + forB + ", anonymous " + forAnonymous;
        }
    }

    /** Any API key may call the route: it is public (or not under /api, where no key is looked at). */
    static final String ANY = "";
    /** No API key may call the route (it manages sign-in: keys, sessions, password, account): 403 for every key. */
    static final String NO_KEY = null;

    private static final String SIGN_UP_AS_A = "{\"email\":\"{EMAIL}\",\"password\":\"long enough pass\","
            + "\"displayName\":\"Impostor\"}";
    private static final String SIGN_IN_AS_A = "{\"email\":\"{email}\",\"password\":\"a guess at A's password\"}";
    /** Shaped like a mailed token (43 base64url characters), but never mailed to anyone. */
    private static final String MADE_UP_TOKEN = "B-guesses-a-token-B-guesses-a-token-B-guess";
    private static final String TODO = "{\"title\":\"B was here\",\"completed\":false}";
    private static final String BOOK = "{\"title\":\"B was here\",\"author\":\"B\"}";

    static final List<Rule> RULES = List.of(
            new Rule("GET /api", Scope.PUBLIC, "/api", null, 200, 200, ANY, "the entry point"),
            new Rule("GET /api/openapi.json", Scope.PUBLIC, "/api/openapi.json", null, 200, 200, ANY,
                    "the API document"),
            new Rule("GET /health/live", Scope.PUBLIC, "/health/live", null, 200, 200, ANY, "a probe"),
            new Rule("GET /health/ready", Scope.PUBLIC, "/health/ready", null, 200, 200, ANY, "a probe"),
            new Rule("GET /metrics", Scope.PUBLIC, "/metrics", null, 200, 200, ANY,
                    "open while QUIRE_METRICS_TOKEN is unset; counts by route template, never an id"),
            new Rule("GET /docs", Scope.PUBLIC, "/docs/", null, 200, 200, ANY, "Swagger UI"),
            new Rule("GET /docs/{file}", Scope.PUBLIC, "/docs/init.js", null, 200, 200, ANY,
                    "{file} names one of Swagger UI's files, not anyone's data"),
            new Rule("POST /api/accounts", Scope.PUBLIC, "/api/accounts", SIGN_UP_AS_A, 409, 409, NO_KEY,
                    "signing up again with A's email (in capitals) cannot take A's account over"),
            new Rule("POST /api/sessions", Scope.PUBLIC, "/api/sessions", SIGN_IN_AS_A, 401, 401, NO_KEY,
                    "signing in as A takes A's password"),
            new Rule("GET /api/accounts/me", Scope.OWN, "/api/accounts/me", null, 200, 401, "account:read",
                    "B's own account"),
            new Rule("PATCH /api/accounts/me", Scope.OWN, "/api/accounts/me", "{\"displayName\":\"B renamed\"}",
                    200, 401, NO_KEY, "renames B only"),
            new Rule("PUT /api/accounts/me/password", Scope.OWN, "/api/accounts/me/password",
                    "{\"currentPassword\":\"" + BadInputCatalogue.PASSWORD + "\",\"newPassword\":\"B's new passphrase\"}",
                    204, 401, NO_KEY, "changes B's password and ends B's other sessions, never A's"),
            new Rule("POST /api/accounts/me/verification", Scope.OWN, "/api/accounts/me/verification", null, 202, 401, NO_KEY,
                    "mails B's verification link to B's address; no route names another account's"),
            new Rule("POST /api/email-verifications", Scope.PUBLIC, "/api/email-verifications",
                    "{\"token\":\"" + MADE_UP_TOKEN + "\"}", 422, 422, NO_KEY,
                    "the token is the proof: only the holder of a link mailed to A verifies A's address"),
            new Rule("POST /api/password-resets", Scope.PUBLIC, "/api/password-resets", "{\"email\":\"{EMAIL}\"}", 202,
                    202, NO_KEY, "asking for A's reset mails the link to A's address, never to the caller"),
            new Rule("POST /api/password-resets/{token}", Scope.PUBLIC, "/api/password-resets/" + MADE_UP_TOKEN,
                    "{\"password\":\"B's chosen passphrase\"}", 422, 422, NO_KEY,
                    "setting A's password takes the token mailed to A"),
            new Rule("GET /api/accounts/{id}", Scope.OBJECT, "/api/accounts/{account}", null, 404, 401, "account:read",
                    "another account's profile is private: 404, as for an id that does not exist"),
            new Rule("GET /api/sessions/me", Scope.OWN, "/api/sessions/me", null, 200, 401, NO_KEY,
                    "B's own session: no route names another session"),
            new Rule("DELETE /api/sessions/me", Scope.OWN, "/api/sessions/me", null, 204, 401, NO_KEY,
                    "ends B's session only"),
            new Rule("DELETE /api/sessions", Scope.OWN, "/api/sessions", null, 204, 401, NO_KEY,
                    "ends every session of B, none of A's"),
            new Rule("GET /api/sessions", Scope.OWN, "/api/sessions", null, 200, 401, NO_KEY,
                    "lists B's own sessions, none of A's"),
            new Rule("DELETE /api/sessions/others", Scope.OWN, "/api/sessions/others", null, 204, 401, NO_KEY,
                    "ends B's other sessions, none of A's"),
            new Rule("DELETE /api/sessions/{id}", Scope.OBJECT, "/api/sessions/{sessionId}", null, 404, 401, NO_KEY,
                    "another account's session: 404, as for an id that does not exist; A's session lives on"),
            new Rule("POST /api/keys", Scope.OWN, "/api/keys", "{\"name\":\"B's key\",\"scopes\":[\"todos:read\"]}",
                    201, 401, NO_KEY, "a key for B's account only; a key never makes keys"),
            new Rule("GET /api/keys", Scope.OWN, "/api/keys", null, 200, 401, NO_KEY, "B's own keys, none of A's"),
            new Rule("GET /api/keys/{id}", Scope.OBJECT, "/api/keys/{key}", null, 404, 401, NO_KEY,
                    "another account's key: 404, as for an id that does not exist"),
            new Rule("DELETE /api/keys/{id}", Scope.OBJECT, "/api/keys/{key}", null, 404, 401, NO_KEY,
                    "only the key's account revokes it; A's key keeps working"),
            new Rule("POST /api/todos", Scope.OWN, "/api/todos", TODO, 201, 401, "todos:write", "adds to B's own list"),
            new Rule("GET /api/todos", Scope.OWN, "/api/todos", null, 200, 401, "todos:read",
                    "B's own list, without A's todos"),
            new Rule("DELETE /api/todos", Scope.OWN, "/api/todos?completed=true", null, 204, 401, "todos:write",
                    "clears B's completed todos; A's completed todo stays"),
            new Rule("GET /api/todos/events", Scope.OWN, "/api/todos/events", null, 200, 401, "todos:read",
                    "B's own todos' changes: no parameter names another account, and none of A's ever comes"
                            + " (AuthorizationMatrixSuite.noEventOfOneAccountReachesAnother)"),
            new Rule("GET /api/todos/{id}", Scope.OBJECT, "/api/todos/{todo}", null, 404, 401, "todos:read",
                    "todos are private: 404, as for an id that does not exist"),
            new Rule("PUT /api/todos/{id}", Scope.OBJECT, "/api/todos/{todo}", TODO, 404, 401, "todos:write",
                    "todos are private"),
            new Rule("PATCH /api/todos/{id}", Scope.OBJECT, "/api/todos/{todo}", TODO, 404, 401, "todos:write",
                    "todos are private"),
            new Rule("DELETE /api/todos/{id}", Scope.OBJECT, "/api/todos/{todo}", null, 404, 401, "todos:write",
                    "todos are private"),
            new Rule("GET /api/books", Scope.PUBLIC, "/api/books", null, 200, 200, ANY, "the shared catalogue"),
            new Rule("GET /api/genres", Scope.PUBLIC, "/api/genres", null, 200, 200, ANY,
                    "the genres and their counts, as public as the catalogue"),
            new Rule("GET /api/books/events", Scope.PUBLIC, "/api/books/events", null, 200, 200, ANY,
                    "the catalogue's changes, as public as the catalogue"),
            new Rule("POST /api/books", Scope.OWN, "/api/books", "{\"title\":\"B's book\",\"author\":\"B\"}",
                    201, 401, "books:write",
                    "adds a book that belongs to B"),
            new Rule("GET /api/books/{id}", Scope.OBJECT, "/api/books/{book}", null, 200, 200, ANY,
                    "the catalogue is shared: anyone reads A's book"),
            new Rule("PUT /api/books/{id}", Scope.OBJECT, "/api/books/{book}", BOOK, 403, 401, "books:write",
                    "only the account that added a book changes it"),
            new Rule("PATCH /api/books/{id}", Scope.OBJECT, "/api/books/{book}", BOOK, 403, 401, "books:write",
                    "only the account that added a book changes it"),
            new Rule("DELETE /api/books/{id}", Scope.OBJECT, "/api/books/{book}", null, 403, 401, "books:write",
                    "only the account that added a book deletes it"),
            new Rule("GET /api/books/{id}/reviews", Scope.OBJECT, "/api/books/{book}/reviews", null, 200, 200, ANY,
                    "reviews are public"),
            new Rule("POST /api/books/{id}/reviews", Scope.OBJECT, "/api/books/{book}/reviews",
                    "{\"rating\":1,\"text\":\"B's review\"}", 201, 401, "reviews:write",
                    "any account may review any book, A's included: B's review is B's"),
            new Rule("GET /api/books/{id}/reviews/{reviewId}", Scope.OBJECT, "/api/books/{book}/reviews/{review}", null,
                    200, 200, ANY, "reviews are public"),
            new Rule("DELETE /api/books/{id}/reviews/{reviewId}", Scope.OBJECT, "/api/books/{book}/reviews/{review}",
                    null, 403, 401, "reviews:write", "only a review's author deletes it"));

    private AuthorizationRules() {}
}
