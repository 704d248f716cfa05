package dev.quire.identity;

import static dev.quire.support.Identities.PASSWORD;
import static dev.quire.support.Identities.uniqueEmail;
import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.Problems.errorFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Concurrently;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accounts, sessions and bearer tokens over HTTP on the real application. Runs once per database (see the
 * subclasses). Every password and token the suite uses is remembered, and afterwards the whole database is
 * searched for them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
abstract class IdentityApiSuite {
    TestServer server;
    Http http;
    Identities identities;
    TestDatabase database;
    final StdoutCapture stdout = StdoutCapture.install();
    /** Every plaintext secret the suite sent or received: none of them may be found in the database. */
    final Set<String> secrets = Collections.synchronizedSet(new HashSet<>());

    abstract TestDatabase database();

    /** Where this suite's output starts. */
    int firstLine;

    @BeforeAll
    void startServer() {
        firstLine = stdout.mark();
        database = database();
        // failed sign-ins from 127.0.0.1 add up across tests; the limit itself is tested on servers of its own
        server = TestServer.builder(database).setting("QUIRE_SIGNIN_LIMIT", "10000").start();
        http = new Http(server);
        identities = new Identities(http);
        secrets.add(PASSWORD);
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    Identities.Caller caller(String name) {
        var caller = identities.newCaller(name);
        secrets.add(caller.token());
        secrets.add(caller.token().substring(caller.token().lastIndexOf('.') + 1));
        return caller;
    }

    Http.Response signUp(String email, String password, String displayName) {
        secrets.add(password);
        return identities.signUp(email, password, displayName);
    }

    Http.Response withToken(String method, String path, String token) {
        return http.request(method, path).header("Authorization", "Bearer " + token).send();
    }

    static void assertUnauthenticated(Http.Response response) {
        assertProblem(response, 401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Nested
    class SigningUp {
        @Test
        void createsTheAccountAndSaysWhereItIs() {
            String email = uniqueEmail("ada");

            var response = signUp("  " + email.toUpperCase() + " ", PASSWORD, "  Ada Lovelace ");

            assertThat(response.status()).isEqualTo(201);
            JsonNode account = response.json();
            assertThat(account.path("id").asText()).matches("acct_[0-9A-Z]{26}");
            assertThat(account.path("email").asText()).isEqualTo(email.toUpperCase());
            assertThat(account.path("displayName").asText()).isEqualTo("Ada Lovelace");
            assertThat(Instant.parse(account.path("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));
            String self = account.path("_links").path("self").path("href").asText();
            assertThat(self).isEqualTo("/api/accounts/" + account.path("id").asText());
            assertThat(response.header("Location")).endsWith(self);
            assertThat(account.has("password")).isFalse();
            assertThat(account.has("passwordHash")).isFalse();
        }

        @Test
        void anAddressThatLengthensWhenLowerCasedIsStoredAndMatched() {
            // 'İ' lower-cases to two characters: 242 of them make a 248-character address and a 490-character key
            String email = "İ".repeat(242) + "@ex.io";

            var response = signUp(email, PASSWORD, "Dotted");

            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            assertThat(identities.signIn(email, PASSWORD).status()).isEqualTo(201);
            assertProblem(signUp(" " + email, PASSWORD, "Again"), 409);
        }

        @Test
        void theSameEmailInAnotherCaseIsAConflict() {
            String email = uniqueEmail("grace");
            assertThat(signUp(email, PASSWORD, "Grace").status()).isEqualTo(201);

            assertProblem(signUp(email.toUpperCase(), PASSWORD, "Grace again"), 409);
        }

        @ParameterizedTest
        @ValueSource(strings = {"short", "password1", "qwertyuiop", "SELF", "TOO LONG"})
        void eachPasswordRuleIsA422NamingThePassword(String rule) {
            String email = uniqueEmail("rules");
            String password = switch (rule) {
                case "SELF" -> email;
                case "TOO LONG" -> "x".repeat(129);
                default -> rule;
            };

            var response = signUp(email, password, "Rules");

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("password");
        }

        @Test
        void everyBrokenRuleIsNamedAtOnce() {
            var response = signUp("not-an-email", "1234567", "   ");

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactlyInAnyOrder("email", "password", "displayName");
        }

        @ParameterizedTest
        @ValueSource(strings = {"id", "passwordHash", "createdAt", "isAdmin"})
        void fieldsTheClientMayNotSetAreRefused(String field) {
            String body = "{\"email\":\"" + uniqueEmail("mass") + "\",\"password\":\"" + PASSWORD
                    + "\",\"displayName\":\"M\",\"" + field + "\":\"x\"}";

            var response = http.request("POST", "/api/accounts").json(body).send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly(field);
        }

        @Test
        void aFieldOfTheWrongTypeIsNamed() {
            var response = http.request("POST", "/api/accounts")
                    .json("{\"email\":42,\"password\":\"" + PASSWORD + "\",\"displayName\":\"N\"}").send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("email");
        }

        @Test
        void concurrentSignUpsWithOneEmailCreateExactlyOneAccount() throws Exception {
            String email = uniqueEmail("race");
            int attempts = 12;
            var start = new CountDownLatch(1);
            var pool = Executors.newFixedThreadPool(attempts);
            try {
                var results = new ArrayList<Future<Integer>>();
                for (int i = 0; i < attempts; i++) {
                    String variant = i % 2 == 0 ? email : email.toUpperCase();
                    results.add(pool.submit(() -> {
                        start.await();
                        return signUp(variant, PASSWORD, "Racer").status();
                    }));
                }
                start.countDown();
                var statuses = new ArrayList<Integer>();
                for (var result : results) {
                    statuses.add(result.get());
                }
                assertThat(statuses).containsOnly(201, 409);
                assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void theAccountsCollectionCannotBeListed() {
            var response = http.get("/api/accounts");

            assertProblem(response, 405);
            assertThat(response.header("Allow")).contains("POST").doesNotContain("GET");
        }
    }

    @Nested
    class SigningIn {
        @Test
        void returnsATokenTheSessionAndTheAccount() {
            String email = uniqueEmail("signin");
            String accountId = signUp(email, PASSWORD, "Signer").json().path("id").asText();

            var response = identities.signIn(email.toUpperCase(), PASSWORD);

            assertThat(response.status()).isEqualTo(201);
            assertThat(response.header("Cache-Control")).isEqualTo("no-store");
            JsonNode session = response.json();
            secrets.add(session.path("token").asText());
            assertThat(session.path("token").asText()).isNotBlank();
            assertThat(session.path("id").asText()).matches("ses_[0-9A-Z]{26}");
            assertThat(session.path("accountId").asText()).isEqualTo(accountId);
            assertThat(session.path("account").path("id").asText()).isEqualTo(accountId);
            assertThat(session.path("account").path("email").asText()).isEqualTo(email);
            Instant created = Instant.parse(session.path("createdAt").asText());
            assertThat(Instant.parse(session.path("expiresAt").asText())).isEqualTo(created.plus(Duration.ofDays(7)));
        }

        @Test
        void anUnknownEmailAndAWrongPasswordGetTheSameAnswer() {
            String email = uniqueEmail("same");
            signUp(email, PASSWORD, "Same");

            var wrongPassword = identities.signIn(email, PASSWORD + "?");
            var unknownEmail = identities.signIn(uniqueEmail("nobody"), PASSWORD);

            assertUnauthenticated(wrongPassword);
            assertUnauthenticated(unknownEmail);
            for (String member : List.of("type", "title", "status", "detail")) {
                assertThat(unknownEmail.json().path(member)).isEqualTo(wrongPassword.json().path(member));
            }
            assertThat(unknownEmail.header("WWW-Authenticate")).isEqualTo(wrongPassword.header("WWW-Authenticate"));
            // same shape to the byte, but for the request id (both ids are "test-" and a number)
            assertThat(unknownEmail.body().replace(unknownEmail.requestId(), ""))
                    .isEqualTo(wrongPassword.body().replace(wrongPassword.requestId(), ""));
        }

        @Test
        void anAddressLongerThanAnyAccountCanHaveIsA422NotAFailure() {
            var response = identities.signIn("a".repeat(1000) + "@example.com", PASSWORD);

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("email");
        }

        @Test
        void aPasswordSentWithoutQuotesIsNotEchoedBack() {
            var response = http.request("POST", "/api/sessions")
                    .json("{\"email\":\"a@example.com\",\"password\":unquotedSecret99}").send();

            assertProblem(response, 400);
            assertThat(response.body()).doesNotContain("unquotedSecret99");
        }

        @Test
        void missingCredentialsAreNamed() {
            var response = http.request("POST", "/api/sessions").json("{}").send();

            assertProblem(response, 422);
            assertThat(errorFields(response)).containsExactly("email", "password");
        }
    }

    @Nested
    class BearerTokens {
        @Test
        void theTokenOpensTheCurrentSession() {
            var caller = caller("me");

            var response = withToken("GET", "/api/sessions/me", caller.token());

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("accountId").asText()).isEqualTo(caller.accountId());
            assertThat(response.json().path("account").path("email").asText()).isEqualTo(caller.email());
            assertThat(response.json().has("token")).isFalse();
            assertThat(stdout.awaitAccessLines(firstLine, response.requestId())).singleElement()
                    .satisfies(line -> assertThat(line.path("accountId").asText()).isEqualTo(caller.accountId()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET /api/sessions/me", "DELETE /api/sessions/me", "DELETE /api/sessions",
            "GET /api/accounts/me", "PATCH /api/accounts/me", "PUT /api/accounts/me/password",
            "GET /api/accounts/acct_01JD3Q9Z8K4M2N6P7R8S9T0V1W"})
        void protectedRoutesRefuseAnonymousCallers(String route) {
            String[] parts = route.split(" ");

            var response = http.request(parts[0], parts[1]).json("{}").send();

            assertUnauthenticated(response);
        }

        @ParameterizedTest
        @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer not-a-token",
            "Bearer ses_01JD3Q9Z8K4M2N6P7R8S9T0V1W.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Token abc"})
        void aMalformedOrUnknownTokenIsRefused(String authorization) {
            var response = http.request("GET", "/api/sessions/me").header("Authorization", authorization).send();

            assertUnauthenticated(response);
        }

        @Test
        void twoAuthorizationHeadersAreRefused() {
            var caller = caller("twice");
            var response = RawHttp.exchange(server, out -> out.write(RawHttp.ascii("GET /api/sessions/me HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: " + caller.bearer() + "\r\nAuthorization: " + caller.bearer()
                    + "\r\nConnection: close\r\n\r\n")));

            assertThat(response.status()).isEqualTo(401);
        }

        @Test
        void aTamperedTokenIsRefused() {
            var caller = caller("tamper");
            String token = caller.token();
            String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");

            assertUnauthenticated(withToken("GET", "/api/sessions/me", tampered));
            assertThat(withToken("GET", "/api/sessions/me", token).status()).isEqualTo(200);
        }

        @Test
        void aTokenThatFailsIsRefusedEvenOnPublicRoutes() {
            assertThat(http.get("/api").status()).isEqualTo(200);
            assertUnauthenticated(withToken("GET", "/api", "ses_01JD3Q9Z8K4M2N6P7R8S9T0V1W.nope"));
        }

        @Test
        void signingOutKillsTheTokenAtOnce() {
            var caller = caller("out");

            assertThat(withToken("DELETE", "/api/sessions/me", caller.token()).status()).isEqualTo(204);

            assertUnauthenticated(withToken("GET", "/api/sessions/me", caller.token()));
            assertUnauthenticated(withToken("DELETE", "/api/sessions/me", caller.token()));
        }

        @Test
        void signingOutEverywhereKillsEverySessionOfTheAccount() {
            var caller = caller("everywhere");
            var second = identities.signIn(caller.email(), PASSWORD).json().path("token").asText();
            secrets.add(second);
            var someoneElse = caller("bystander");

            assertThat(withToken("DELETE", "/api/sessions", caller.token()).status()).isEqualTo(204);

            assertUnauthenticated(withToken("GET", "/api/sessions/me", caller.token()));
            assertUnauthenticated(withToken("GET", "/api/sessions/me", second));
            assertThat(withToken("GET", "/api/sessions/me", someoneElse.token()).status()).isEqualTo(200);
        }
    }

    @Nested
    class Accounts {
        @Test
        void theCallerReadsTheirOwnAccountByMeOrById() {
            var caller = caller("own");

            var me = withToken("GET", "/api/accounts/me", caller.token());
            var byId = withToken("GET", "/api/accounts/" + caller.accountId(), caller.token());

            assertThat(me.status()).isEqualTo(200);
            assertThat(byId.status()).isEqualTo(200);
            assertThat(byId.json()).isEqualTo(me.json());
            assertThat(me.json().path("email").asText()).isEqualTo(caller.email());
        }

        @ParameterizedTest
        @ValueSource(strings = {"OTHER", "acct_01JD3Q9Z8K4M2N6P7R8S9T0V1W", "not-an-id", "acct_%2e%2e"})
        void anyOtherAccountIsNotFound(String id) {
            var caller = caller("nosy");
            var other = caller("private");

            var response = withToken("GET", "/api/accounts/" + (id.equals("OTHER") ? other.accountId() : id),
                    caller.token());

            assertProblem(response, 404);
        }

        @ParameterizedTest
        @ValueSource(strings = {"application/json", "application/merge-patch+json"})
        void aMergePatchRenamesTheAccount(String contentType) {
            var caller = caller("rename");

            var response = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .header("Content-Type", contentType).body("{\"displayName\":\"  Renamed ✓ \"}").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("displayName").asText()).isEqualTo("Renamed ✓");
            assertThat(withToken("GET", "/api/accounts/me", caller.token()).json().path("displayName").asText())
                    .isEqualTo("Renamed ✓");
        }

        @Test
        void anEmptyPatchChangesNothing() {
            var caller = caller("nochange");

            var response = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json("{}").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("displayName").asText()).isEqualTo("nochange");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"displayName\":null}|422|displayName", "{\"displayName\":7}|422|displayName",
            "{\"displayName\":\"   \"}|422|displayName", "{\"email\":\"x@example.com\"}|422|currentPassword",
            "{\"password\":\"new one please\"}|422|password", "[]|400|", "\"text\"|400|"})
        void aPatchThatBreaksTheRulesChangesNothing(String caseText) {
            String[] parts = caseText.split("\\|", -1);
            var caller = caller("badpatch");

            var response = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json(parts[0]).send();

            assertProblem(response, Integer.parseInt(parts[1]));
            if (!parts[2].isEmpty()) {
                assertThat(errorFields(response)).containsExactly(parts[2]);
            }
            assertThat(withToken("GET", "/api/accounts/me", caller.token()).json().path("displayName").asText())
                    .isEqualTo("badpatch");
        }

        @Test
        void changingThePasswordEndsTheOtherSessionsButNotThisOne() {
            var caller = caller("rotate");
            String other = identities.signIn(caller.email(), PASSWORD).json().path("token").asText();
            secrets.add(other);
            String next = "a brand new passphrase";
            secrets.add(next);

            var response = http.request("PUT", "/api/accounts/me/password").header("Authorization", caller.bearer())
                    .json("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + next + "\"}").send();

            assertThat(response.status()).isEqualTo(204);
            assertThat(withToken("GET", "/api/sessions/me", caller.token()).status()).isEqualTo(200);
            assertUnauthenticated(withToken("GET", "/api/sessions/me", other));
            assertUnauthenticated(identities.signIn(caller.email(), PASSWORD));
            var fresh = identities.signIn(caller.email(), next);
            assertThat(fresh.status()).isEqualTo(201);
            secrets.add(fresh.json().path("token").asText());
        }

        @Test
        void aWrongCurrentPasswordOrAWeakNewOneChangesNothing() {
            var caller = caller("keep");

            var wrong = http.request("PUT", "/api/accounts/me/password").header("Authorization", caller.bearer())
                    .json("{\"currentPassword\":\"not the password\",\"newPassword\":\"a brand new passphrase\"}").send();
            var weak = http.request("PUT", "/api/accounts/me/password").header("Authorization", caller.bearer())
                    .json("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"password1\"}").send();

            assertProblem(wrong, 422);
            assertThat(errorFields(wrong)).containsExactly("currentPassword");
            assertProblem(weak, 422);
            assertThat(errorFields(weak)).containsExactly("newPassword");
            assertThat(identities.signIn(caller.email(), PASSWORD).status()).isEqualTo(201);
        }

        @Test
        void theRootDocumentLinksAccountsAndSessions() {
            JsonNode links = http.get("/api").json().path("_links");

            assertThat(links.path("accounts").path("href").asText()).isEqualTo("/api/accounts");
            assertThat(links.path("sessions").path("href").asText()).isEqualTo("/api/sessions");
        }
    }

    /** A server whose sessions last one second. */
    @Nested
    class Expiry {
        @Test
        void anExpiredTokenIsRefused() throws InterruptedException {
            // 3 s: long enough for the first use to come before expiry on a busy machine (1 s once was not)
            try (var shortLived = TestServer.builder(database).setting("QUIRE_SESSION_TTL", "3s").start()) {
                var caller = new Identities(new Http(shortLived)).newCaller("brief");
                long signedIn = System.nanoTime();
                secrets.add(caller.token());
                var shortHttp = new Http(shortLived);
                assertThat(shortHttp.request("GET", "/api/sessions/me").header("Authorization", caller.bearer()).send()
                        .status()).isEqualTo(200);

                // the session began before newCaller returned: 3.1 s after that, it has surely ended
                Thread.sleep(Math.max(0, 3100 - (System.nanoTime() - signedIn) / 1_000_000));

                assertUnauthenticated(shortHttp.request("GET", "/api/sessions/me")
                        .header("Authorization", caller.bearer()).send());
            }
        }
    }

    /**
     * A server allowing three failed sign-ins a minute; each client is a different loopback address. On H2 the
     * buckets are in the server's memory, on PostgreSQL in the database.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Throttling {
        /** Successful sign-ins hold a token while they hash, on half the cores: more would refuse some of them. */
        static final int LIMIT = Math.max(3, Runtime.getRuntime().availableProcessors() / 2);
        TestServer limited;

        @BeforeAll
        void start() {
            limited = TestServer.builder(database).setting("QUIRE_SIGNIN_LIMIT", String.valueOf(LIMIT)).start();
        }

        @AfterAll
        void stop() {
            limited.close();
        }

        RawHttp.Response signInFrom(String address, String email, String password) {
            return RawHttp.exchange(limited, address, RawHttp.json("POST", "/api/sessions",
                    "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"));
        }

        @Test
        void failedSignInsForOneEmailAreLimitedWhereverTheyComeFrom() {
            String email = uniqueEmail("target");
            assertThat(new Identities(new Http(limited)).signUp(email, PASSWORD, "Target").status()).isEqualTo(201);
            for (int i = 0; i < LIMIT; i++) {
                assertThat(signInFrom("127.0.0." + (10 + i), email, "wrong guess " + i).status()).isEqualTo(401);
            }

            var refused = signInFrom("127.0.0.20", email, PASSWORD);

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
            assertThat(refused.body()).contains("\"status\":429");
        }

        @Test
        void failedSignInsFromOneAddressAreLimitedAcrossEmails() {
            String email = uniqueEmail("innocent");
            assertThat(new Identities(new Http(limited)).signUp(email, PASSWORD, "Innocent").status()).isEqualTo(201);
            for (int i = 0; i < LIMIT; i++) {
                assertThat(signInFrom("127.0.0.30", uniqueEmail("probe"), "guess").status()).isEqualTo(401);
            }

            assertThat(signInFrom("127.0.0.30", email, PASSWORD).status()).isEqualTo(429);
            var elsewhere = signInFrom("127.0.0.31", email, PASSWORD);
            assertThat(elsewhere.status()).isEqualTo(201);
            secrets.add(token(elsewhere));
        }

        @Test
        void guessesArrivingTogetherAreHeldToTheLimit() throws Exception {
            String email = uniqueEmail("stormed");
            assertThat(new Identities(new Http(limited)).signUp(email, PASSWORD, "Stormed").status()).isEqualTo(201);

            var statuses = Concurrently.run(4 * LIMIT, i ->
                    signInFrom("127.0.0." + (40 + i % 4), email, "wrong guess " + i).status());

            assertThat(statuses).containsOnly(401, 429);
            assertThat(statuses.stream().filter(status -> status == 401).count()).isEqualTo(LIMIT);
            assertThat(signInFrom("127.0.0.44", email, PASSWORD).status()).isEqualTo(429);
        }

        @Test
        void signInsThatSucceedAreNeverRefusedForArrivingTogether() throws Exception {
            String email = uniqueEmail("popular");
            assertThat(new Identities(new Http(limited)).signUp(email, PASSWORD, "Popular").status()).isEqualTo(201);

            var answers = Concurrently.run(4 * LIMIT, i -> signInFrom("127.0.0.50", email, PASSWORD));

            assertThat(answers).extracting(RawHttp.Response::status).containsOnly(201);
            answers.forEach(answer -> secrets.add(token(answer)));
            // none of them counted: the whole allowance of failures is still there
            for (int i = 0; i < LIMIT; i++) {
                assertThat(signInFrom("127.0.0.50", email, "wrong guess " + i).status()).isEqualTo(401);
            }
        }

        private static String token(RawHttp.Response signedIn) {
            return signedIn.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        }
    }

    /** Runs last: by then every secret the suite used is known. */
    @Nested
    @Order(Integer.MAX_VALUE)
    class Afterwards {
        @Test
        void noPlaintextPasswordOrTokenIsInTheLogs() {
            var lines = stdout.linesSince(firstLine);
            assertThat(lines).hasSizeGreaterThan(100);
            for (String secret : List.copyOf(secrets)) {
                assertThat(lines).as("log lines containing a secret").noneMatch(line -> line.contains(secret));
            }
        }

        @Test
        void noPlaintextPasswordOrTokenIsAnywhereInTheDatabase() throws SQLException {
            assertThat(secrets).hasSizeGreaterThan(10);
            var values = allTextInDatabase();
            assertThat(values).isNotEmpty();
            for (String secret : List.copyOf(secrets)) {
                assertThat(values).as("database text containing a secret")
                        .noneMatch(value -> value.contains(secret));
            }
        }

        private List<String> allTextInDatabase() throws SQLException {
            var values = new ArrayList<String>();
            try (var connection = DriverManager.getConnection(database.url())) {
                var tables = new ArrayList<String>();
                try (var rows = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    while (rows.next()) {
                        String schema = rows.getString("TABLE_SCHEM");
                        if (schema != null && schema.equalsIgnoreCase("public")) {
                            tables.add(rows.getString("TABLE_NAME"));
                        }
                    }
                }
                assertThat(tables).contains("accounts", "sessions");
                for (String table : tables) {
                    try (var rows = connection.createStatement().executeQuery("select * from \"" + table + "\"")) {
                        int columns = rows.getMetaData().getColumnCount();
                        while (rows.next()) {
                            for (int i = 1; i <= columns; i++) {
                                String value = rows.getString(i);
                                if (value != null) {
                                    values.add(value);
                                }
                            }
                        }
                    }
                }
            }
            return values;
        }
    }
}
