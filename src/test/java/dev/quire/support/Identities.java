package dev.quire.support;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.concurrent.atomic.AtomicLong;

/** Signs accounts up and in through the public API, for suites that need a caller. */
public final class Identities {
    public static final String PASSWORD = "correct horse battery staple";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Http http;

    public Identities(Http http) {
        this.http = http;
    }

    /** An account and a live session of it. */
    public record Caller(String accountId, String email, String token) {
        public String bearer() {
            return "Bearer " + token;
        }
    }

    /** A fresh, unique email address. */
    public static String uniqueEmail(String name) {
        return name + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime()) + "@example.com";
    }

    public Http.Response signUp(String email, String password, String displayName) {
        var body = JsonNodeFactory.instance.objectNode()
                .put("email", email).put("password", password).put("displayName", displayName);
        return http.request("POST", "/api/accounts").json(body.toString()).send();
    }

    public Http.Response signIn(String email, String password) {
        var body = JsonNodeFactory.instance.objectNode().put("email", email).put("password", password);
        return http.request("POST", "/api/sessions").json(body.toString()).send();
    }

    /** Signs a new account up and in; fails the test if either step does not succeed. */
    public Caller newCaller(String name) {
        String email = uniqueEmail(name);
        var account = signUp(email, PASSWORD, name);
        if (account.status() != 201) {
            throw new AssertionError("sign-up failed: " + account);
        }
        var session = signIn(email, PASSWORD);
        if (session.status() != 201) {
            throw new AssertionError("sign-in failed: " + session);
        }
        return new Caller(account.json().path("id").asText(), email, session.json().path("token").asText());
    }
}
