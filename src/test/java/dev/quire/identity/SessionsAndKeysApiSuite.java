package dev.quire.identity;

import static dev.quire.support.Identities.PASSWORD;
import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.Problems.errorFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.support.Concurrently;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Listing and ending one's sessions, and API keys (create, list, read, revoke, use with their scopes) over HTTP on the
 * real application: every status these routes answer. Scopes on every other route are the authorization matrix's
 * ({@code AuthorizationMatrixSuite}); runs once per database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionsAndKeysApiSuite {
    private static final Pattern UPDATES =
            Pattern.compile("(?m)^quire_db_queries_seconds_count\\{kind=\"update\",outcome=\"success\",?} ([0-9.E]+)$");

    TestServer server;
    Http http;
    Identities identities;
    TestDatabase database;

    abstract TestDatabase database();

    @BeforeAll
    void startServer() {
        database = database();
        // the loopback is the proxy here, so that X-Forwarded-For names the client the session list shows
        server = TestServer.builder(database).setting("QUIRE_SIGNIN_LIMIT", "10000")
                .setting("QUIRE_RATE_LIMIT", "100000").setting("QUIRE_TRUSTED_PROXIES", "127.0.0.1,::1").start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    Http.Response as(String bearer, String method, String path) {
        return http.request(method, path).header("Authorization", bearer).send();
    }

    Http.Response signIn(String email, String userAgent, String forwardedFor) {
        var body = JsonNodeFactory.instance.objectNode().put("email", email).put("password", PASSWORD);
        return http.request("POST", "/api/sessions").header("User-Agent", userAgent)
                .header("X-Forwarded-For", forwardedFor).json(body.toString()).send();
    }

    Http.Response createKey(String bearer, String json) {
        return http.request("POST", "/api/keys").header("Authorization", bearer).json(json).send();
    }

    /** A key made through the API; fails the test if it is not. */
    JsonNode key(Identities.Caller caller, String... scopes) {
        var body = JsonNodeFactory.instance.objectNode().put("name", "script");
        var array = body.putArray("scopes");
        for (String scope : scopes) {
            array.add(scope);
        }
        var created = createKey(caller.bearer(), body.toString());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    static String bearer(JsonNode key) {
        return "Bearer " + key.path("secret").asText();
    }

    // --- sessions

    @Test
    void theSessionListShowsEachLiveSessionWithWhereItSignedInFromAndMarksTheCurrentOne() {
        var caller = identities.newCaller("Lister");
        var phone = signIn(caller.email(), "Quire-Phone/1.0 (test)", "203.0.113.9");
        var laptop = signIn(caller.email(), "Quire-Laptop/2.0 (test)", "2001:db8::7");
        assertThat(List.of(phone.status(), laptop.status())).containsOnly(201);
        String laptopBearer = "Bearer " + laptop.json().path("token").asText();

        var list = as(laptopBearer, "GET", "/api/sessions");

        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        var items = list.json().path("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).path("id").asText()).as("the newest first").isEqualTo(laptop.json().path("id").asText());
        var current = items.get(0);
        assertThat(current.path("current").asBoolean()).isTrue();
        assertThat(current.path("userAgent").asText()).isEqualTo("Quire-Laptop/2.0 (test)");
        assertThat(current.path("clientAddress").asText()).isEqualTo("2001:db8::7");
        assertThat(current.path("createdAt").asText()).isEqualTo(laptop.json().path("createdAt").asText());
        assertThat(current.path("lastUsedAt").asText()).isEqualTo(laptop.json().path("createdAt").asText());
        assertThat(current.path("expiresAt").asText()).isEqualTo(laptop.json().path("expiresAt").asText());
        var other = items.get(1);
        assertThat(other.path("current").asBoolean()).isFalse();
        assertThat(other.path("userAgent").asText()).isEqualTo("Quire-Phone/1.0 (test)");
        assertThat(other.path("clientAddress").asText()).isEqualTo("203.0.113.9");
        assertThat(list.body()).doesNotContain(laptop.json().path("token").asText(),
                phone.json().path("token").asText(), caller.token());
        assertThat(list.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void aLongUserAgentIsKeptToItsFirst256Characters() {
        var caller = identities.newCaller("Agent");
        String agent = "Agent/" + "x".repeat(2000);
        var signedIn = signIn(caller.email(), agent, "198.51.100.1");

        var listed = as("Bearer " + signedIn.json().path("token").asText(), "GET", "/api/sessions").json()
                .path("items").get(0);

        assertThat(listed.path("userAgent").asText()).isEqualTo(agent.substring(0, 256));
    }

    @Test
    void endingASessionByItsIdRefusesItsTokenAtOnceAndLeavesTheOthers() {
        var caller = identities.newCaller("Ender");
        var other = signIn(caller.email(), "Other/1", "192.0.2.44");
        String otherBearer = "Bearer " + other.json().path("token").asText();
        assertThat(as(otherBearer, "GET", "/api/todos").status()).isEqualTo(200);

        var ended = as(caller.bearer(), "DELETE", "/api/sessions/" + other.json().path("id").asText());

        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
        assertProblem(as(otherBearer, "GET", "/api/todos"), 401);
        assertThat(as(caller.bearer(), "GET", "/api/todos").status()).isEqualTo(200);
        assertProblem(as(caller.bearer(), "DELETE", "/api/sessions/" + other.json().path("id").asText()), 404);
        assertThat(as(caller.bearer(), "GET", "/api/sessions").json().path("items")).hasSize(1);
    }

    @Test
    void endingOnesOwnCurrentSessionByItsIdSignsOut() {
        var caller = identities.newCaller("Self");
        String id = as(caller.bearer(), "GET", "/api/sessions/me").json().path("id").asText();

        assertThat(as(caller.bearer(), "DELETE", "/api/sessions/" + id).status()).isEqualTo(204);

        assertProblem(as(caller.bearer(), "GET", "/api/sessions"), 401);
    }

    @Test
    void anotherAccountsSessionOrAnUnknownOrMalformedIdIs404AndTheSessionLivesOn() {
        var owner = identities.newCaller("Owner");
        var stranger = identities.newCaller("Stranger");
        String ownersId = as(owner.bearer(), "GET", "/api/sessions/me").json().path("id").asText();

        var theirs = as(stranger.bearer(), "DELETE", "/api/sessions/" + ownersId);
        var unknown = as(stranger.bearer(), "DELETE", "/api/sessions/ses_01JD3Q9Z8K4M2N6P7R8S9T0V1W");
        var malformed = as(stranger.bearer(), "DELETE", "/api/sessions/not-a-session");

        for (var response : List.of(theirs, unknown, malformed)) {
            assertProblem(response, 404);
            assertThat(response.json().path("detail").asText()).isEqualTo(theirs.json().path("detail").asText());
        }
        assertThat(as(owner.bearer(), "GET", "/api/sessions/me").status()).isEqualTo(200);
        assertProblem(http.request("DELETE", "/api/sessions/" + ownersId).send(), 401);
    }

    @Test
    void signingOutEverywhereElseKeepsTheCurrentSessionOnly() {
        var caller = identities.newCaller("Elsewhere");
        var second = signIn(caller.email(), "Second/1", "192.0.2.1");
        var third = signIn(caller.email(), "Third/1", "192.0.2.2");
        var stranger = identities.newCaller("Bystander");

        var response = as(caller.bearer(), "DELETE", "/api/sessions/others");

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(as(caller.bearer(), "GET", "/api/sessions").json().path("items")).hasSize(1);
        assertProblem(as("Bearer " + second.json().path("token").asText(), "GET", "/api/todos"), 401);
        assertProblem(as("Bearer " + third.json().path("token").asText(), "GET", "/api/todos"), 401);
        assertThat(as(stranger.bearer(), "GET", "/api/todos").status()).as("another account's session").isEqualTo(200);
    }

    /**
     * "Last used" is written when a request finds it more than a minute old, never on every request: a session that
     * signed in just now makes 30 requests with no UPDATE at all (counted by the application's own statement metrics),
     * and a key writes once, on its first use, and not on the 29 after it.
     */
    @Test
    void requestsWithinAMinuteOfTheLastUseWriteNothing() {
        var caller = identities.newCaller("Busy");
        var key = key(caller, "todos:read");
        synchronized (SessionsAndKeysApiSuite.class) {
            double before = updates();
            for (int i = 0; i < 30; i++) {
                assertThat(as(caller.bearer(), "GET", "/api/todos").status()).isEqualTo(200);
            }
            double afterSession = updates();
            for (int i = 0; i < 30; i++) {
                assertThat(as(bearer(key), "GET", "/api/todos").status()).isEqualTo(200);
            }
            double afterKey = updates();

            assertThat(afterSession - before).as("UPDATEs for 30 requests of a fresh session").isZero();
            assertThat(afterKey - afterSession).as("UPDATEs for a key's first 30 requests").isEqualTo(1);
        }
        var listed = as(caller.bearer(), "GET", "/api/keys").json().path("items").get(0);
        assertThat(listed.path("lastUsedAt").isNull()).as("a used key shows when").isFalse();
    }

    private double updates() {
        String metrics = http.get("/metrics").body();
        Matcher matcher = UPDATES.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    // --- API keys

    @Test
    void aNewKeyIsAnsweredOnceWithItsSecretAndListedAfterwardsWithoutIt() throws Exception {
        var caller = identities.newCaller("Maker");
        Instant expires = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);

        var created = createKey(caller.bearer(), "{\"name\":\"  nightly backup  \",\"scopes\":[\"todos:read\","
                + "\"account:read\",\"todos:read\"],\"expiresAt\":\"" + expires + "\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        var key = created.json();
        String secret = key.path("secret").asText();
        assertThat(secret).startsWith("quire_pat_").hasSize("quire_pat_".length() + 54);
        assertThat(Base64.getUrlDecoder().decode(secret.substring("quire_pat_".length()))).as("320 random bits")
                .hasSize(40);
        assertThat(key.path("name").asText()).isEqualTo("nightly backup");
        assertThat(key.path("prefix").asText()).isEqualTo(secret.substring(0, 16));
        assertThat(key.path("scopes")).extracting(JsonNode::asText).containsExactly("todos:read", "account:read");
        assertThat(Instant.parse(key.path("expiresAt").asText())).isEqualTo(expires);
        assertThat(key.path("lastUsedAt").isNull()).isTrue();
        assertThat(created.header("Location")).endsWith("/api/keys/" + key.path("id").asText());
        assertThat(created.header("Location")).endsWith(key.path("_links").path("self").path("href").asText());
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");

        var read = as(caller.bearer(), "GET", "/api/keys/" + key.path("id").asText());
        var list = as(caller.bearer(), "GET", "/api/keys");
        assertThat(read.status()).isEqualTo(200);
        assertThat(list.json().path("items")).hasSize(1);
        for (var response : List.of(read, list)) {
            assertThat(response.body()).doesNotContain(secret.substring(16)).doesNotContain("\"secret\"");
        }
        assertThat(read.json().path("prefix").asText()).isEqualTo(key.path("prefix").asText());
        assertThat(list.json().path("items").get(0).path("id").asText()).isEqualTo(key.path("id").asText());
        assertThat(storedHashes()).as("the database keeps the SHA-256 of the key, not the key")
                .contains(sha256(secret)).noneMatch(stored -> stored.contains(secret.substring(16)));
    }

    @Test
    void aReadOnlyKeyReadsTodosAndIsRefusedAWriteNamingTheScope() {
        var caller = identities.newCaller("Reader");
        assertThat(http.request("POST", "/api/todos").header("Authorization", caller.bearer())
                .json("{\"title\":\"Read me\"}").send().status()).isEqualTo(201);
        var key = key(caller, "todos:read", "account:read");

        var read = as(bearer(key), "GET", "/api/todos");
        var me = as(bearer(key), "GET", "/api/accounts/me");
        var write = http.request("POST", "/api/todos").header("Authorization", bearer(key))
                .json("{\"title\":\"Not allowed\"}").send();

        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("items").get(0).path("title").asText()).isEqualTo("Read me");
        assertThat(me.json().path("id").asText()).isEqualTo(caller.accountId());
        assertProblem(write, 403);
        assertThat(write.header("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"quire\", error=\"insufficient_scope\", scope=\"todos:write\"");
        assertThat(write.json().path("detail").asText()).contains("todos:write");
        assertThat(as(caller.bearer(), "GET", "/api/todos").json().path("items")).hasSize(1);
    }

    @Test
    void aKeysRetryWithTheSameIdempotencyKeyIsReplayedAndAKeyWithoutTheScopeGetsNoReplay() {
        var caller = identities.newCaller("Retrier");
        var writer = key(caller, "todos:write", "todos:read");
        var reader = key(caller, "todos:read");
        String idempotencyKey = "retry-" + System.nanoTime();

        var first = http.request("POST", "/api/todos").header("Authorization", bearer(writer))
                .header("Idempotency-Key", idempotencyKey).json("{\"title\":\"Once\"}").send();
        var retry = http.request("POST", "/api/todos").header("Authorization", bearer(writer))
                .header("Idempotency-Key", idempotencyKey).json("{\"title\":\"Once\"}").send();
        var withoutScope = http.request("POST", "/api/todos").header("Authorization", bearer(reader))
                .header("Idempotency-Key", idempotencyKey).json("{\"title\":\"Once\"}").send();

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertProblem(withoutScope, 403);
        assertThat(withoutScope.header("Idempotent-Replayed")).isNull();
        assertThat(as(caller.bearer(), "GET", "/api/todos").json().path("items")).hasSize(1);
    }

    @Test
    void aKeyCanManageNoKeysSessionsPasswordOrAccount() {
        var caller = identities.newCaller("Limited");
        var key = key(caller, "todos:read", "todos:write", "books:write", "reviews:write", "account:read");
        String sessionId = as(caller.bearer(), "GET", "/api/sessions/me").json().path("id").asText();
        var attempts = new ArrayList<Http.Response>();
        attempts.add(createKey(bearer(key), "{\"name\":\"child\",\"scopes\":[\"todos:read\"]}"));
        attempts.add(as(bearer(key), "GET", "/api/keys"));
        attempts.add(as(bearer(key), "GET", "/api/keys/" + key.path("id").asText()));
        attempts.add(as(bearer(key), "DELETE", "/api/keys/" + key.path("id").asText()));
        attempts.add(as(bearer(key), "GET", "/api/sessions"));
        attempts.add(as(bearer(key), "GET", "/api/sessions/me"));
        attempts.add(as(bearer(key), "DELETE", "/api/sessions/" + sessionId));
        attempts.add(as(bearer(key), "DELETE", "/api/sessions/others"));
        attempts.add(as(bearer(key), "DELETE", "/api/sessions/me"));
        attempts.add(as(bearer(key), "DELETE", "/api/sessions"));
        attempts.add(http.request("PUT", "/api/accounts/me/password").header("Authorization", bearer(key))
                .json("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"a brand new passphrase\"}").send());
        attempts.add(http.request("PATCH", "/api/accounts/me").header("Authorization", bearer(key))
                .json("{\"displayName\":\"Renamed by a key\"}").send());

        for (var attempt : attempts) {
            assertProblem(attempt, 403);
            assertThat(attempt.json().path("detail").asText())
                    .isEqualTo("API keys cannot use this route: it needs a signed-in session.");
            assertThat(attempt.header("WWW-Authenticate")).as("no scope would do").isNull();
        }
        assertThat(as(caller.bearer(), "GET", "/api/keys").json().path("items")).hasSize(1);
        assertThat(as(caller.bearer(), "GET", "/api/sessions").json().path("items")).hasSize(1);
        assertThat(as(caller.bearer(), "GET", "/api/accounts/me").json().path("displayName").asText())
                .isEqualTo("Limited");
        assertThat(as(bearer(key), "GET", "/api/todos").status()).as("the key still works").isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsRefusedOnItsVeryNextRequest() {
        var caller = identities.newCaller("Revoker");
        var key = key(caller, "todos:read");
        assertThat(as(bearer(key), "GET", "/api/todos").status()).isEqualTo(200);

        var revoked = as(caller.bearer(), "DELETE", "/api/keys/" + key.path("id").asText());

        assertThat(revoked.status()).isEqualTo(204);
        var refused = as(bearer(key), "GET", "/api/todos");
        assertProblem(refused, 401);
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"quire\"");
        assertThat(refused.json().path("detail").asText()).isEqualTo("The API key is unknown, expired or revoked.");
        assertProblem(as(bearer(key), "GET", "/api/books"), 401);
        assertProblem(as(caller.bearer(), "DELETE", "/api/keys/" + key.path("id").asText()), 404);
        assertThat(as(caller.bearer(), "GET", "/api/keys").json().path("items")).isEmpty();
    }

    @Test
    void aKeyIsRefusedFromTheMomentItExpiresAndStillListed() throws InterruptedException {
        var caller = identities.newCaller("Expirer");
        Instant expires = Instant.now().plusMillis(1500);
        var created = createKey(caller.bearer(),
                "{\"name\":\"short\",\"scopes\":[\"todos:read\"],\"expiresAt\":\"" + expires + "\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(as(bearer(created.json()), "GET", "/api/todos").status()).isEqualTo(200);

        Thread.sleep(Math.max(0, expires.toEpochMilli() - System.currentTimeMillis() + 50));

        assertProblem(as(bearer(created.json()), "GET", "/api/todos"), 401);
        assertThat(as(caller.bearer(), "GET", "/api/keys").json().path("items").get(0).path("id").asText())
                .as("an expired key stays listed until revoked").isEqualTo(created.json().path("id").asText());
    }

    @Test
    void anotherAccountsKeyIs404AndKeepsWorking() {
        var owner = identities.newCaller("KeyOwner");
        var stranger = identities.newCaller("KeyStranger");
        var key = key(owner, "todos:read");
        String path = "/api/keys/" + key.path("id").asText();

        var read = as(stranger.bearer(), "GET", path);
        var revoke = as(stranger.bearer(), "DELETE", path);
        var unknown = as(stranger.bearer(), "GET", "/api/keys/key_01JD3Q9Z8K4M2N6P7R8S9T0V1W");
        var malformed = as(stranger.bearer(), "DELETE", "/api/keys/quire");

        for (var response : List.of(read, revoke, unknown, malformed)) {
            assertProblem(response, 404);
            assertThat(response.json().path("detail").asText()).isEqualTo(read.json().path("detail").asText());
        }
        assertThat(as(stranger.bearer(), "GET", "/api/keys").json().path("items")).isEmpty();
        assertThat(as(bearer(key), "GET", "/api/todos").status()).isEqualTo(200);
    }

    @Test
    void keysAreForSignedInCallersOnly() {
        assertProblem(http.request("POST", "/api/keys").json("{\"name\":\"x\",\"scopes\":[\"todos:read\"]}").send(),
                401);
        assertProblem(http.get("/api/keys"), 401);
        assertProblem(http.get("/api/sessions"), 401);
        assertProblem(as("Bearer quire_pat_" + "A".repeat(54), "GET", "/api/books"), 401);
    }

    @Test
    void anInvalidKeyRequestIsRefusedNamingEveryFieldAtFault() {
        var caller = identities.newCaller("Invalid");

        var unknownScope = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":[\"todos:read\",\"todos:admin\"]}");
        var noScopes = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":[]}");
        var nothing = createKey(caller.bearer(), "{}");
        var blankName = createKey(caller.bearer(), "{\"name\":\"   \",\"scopes\":[\"todos:read\"]}");
        var longName = createKey(caller.bearer(), "{\"name\":\"" + "n".repeat(101) + "\",\"scopes\":[\"todos:read\"]}");
        var past = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":[\"todos:read\"],"
                + "\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        var notATime = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":[\"todos:read\"],\"expiresAt\":\"soon\"}");
        var farAway = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":[\"todos:read\"],"
                + "\"expiresAt\":\"+300000-01-01T00:00:00Z\"}");
        var yearTenThousand = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":[\"todos:read\"],"
                + "\"expiresAt\":\"+10000-01-01T00:00:00Z\"}");
        var notAList = createKey(caller.bearer(), "{\"name\":\"k\",\"scopes\":\"todos:read\"}");

        assertProblem(unknownScope, 422);
        assertThat(unknownScope.json().path("errors").get(0).path("message").asText())
                .contains("\"todos:admin\"", "todos:read, todos:write, books:write, reviews:write, account:read");
        assertProblem(noScopes, 422);
        assertThat(errorFields(noScopes)).containsExactly("scopes");
        assertProblem(nothing, 422);
        assertThat(errorFields(nothing)).containsExactly("name", "scopes");
        assertProblem(blankName, 422);
        assertThat(errorFields(blankName)).containsExactly("name");
        assertProblem(longName, 422);
        assertProblem(past, 422);
        assertThat(errorFields(past)).containsExactly("expiresAt");
        assertProblem(notATime, 422);
        assertThat(errorFields(notATime)).containsExactly("expiresAt");
        for (var tooLate : List.of(farAway, yearTenThousand)) {
            assertProblem(tooLate, 422);
            assertThat(errorFields(tooLate)).containsExactly("expiresAt");
        }
        assertThat(notAList.status()).as(notAList.toString()).isBetween(400, 422);
        assertThat(as(caller.bearer(), "GET", "/api/keys").json().path("items")).isEmpty();
    }

    @Test
    void aKeyCountsAsItsAccountForTheRequestLimit() {
        var caller = identities.newCaller("Counted");
        var key = key(caller, "todos:read");

        var response = as(bearer(key), "GET", "/api/todos");

        assertThat(response.header("RateLimit-Policy")).as(response.toString()).contains("\"account\"");
    }

    @Test
    void concurrentFirstUsesOfAKeyAllSucceed() throws Exception {
        var caller = identities.newCaller("Racer");
        var key = key(caller, "todos:read");
        var statuses = Concurrently.run(16, i -> as(bearer(key), "GET", "/api/todos").status());
        assertThat(statuses).containsOnly(200);
    }

    private List<String> storedHashes() throws Exception {
        var hashes = new ArrayList<String>();
        try (var connection = DriverManager.getConnection(database.url());
                var rows = connection.createStatement().executeQuery("select * from api_keys")) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int i = 1; i <= columns; i++) {
                    hashes.add(String.valueOf(rows.getObject(i)));
                }
            }
        }
        return hashes;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
