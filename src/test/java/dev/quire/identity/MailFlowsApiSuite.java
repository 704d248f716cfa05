package dev.quire.identity;

import static dev.quire.support.Identities.PASSWORD;
import static dev.quire.support.Identities.uniqueEmail;
import static dev.quire.support.Problems.assertProblem;
import static dev.quire.support.Problems.errorFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.support.EventStreamClient;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.RawHttp;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TestSmtp;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Email verification, email change and password reset over HTTP on the real application, with its mails delivered
 * by its real sender to a real SMTP server started by the test: every token a test uses is read from a received
 * mail's link. Runs once per database (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MailFlowsApiSuite {
    static final String PUBLIC_URL = "https://quire.example/app";
    static final String NEW_PASSWORD = "a brand new passphrase";
    static final String VERIFY_SUBJECT = "Confirm your email address for Quire";
    static final String RESET_SUBJECT = "Reset your Quire password";
    static final String NOTICE_SUBJECT = "Your Quire email address was changed";
    static final Duration MAIL_WAIT = Duration.ofSeconds(20);
    static final Pattern LINK = Pattern.compile(Pattern.quote(PUBLIC_URL) + "/#/(verify|reset)\\?token=([A-Za-z0-9_-]{43})\\s");

    TestDatabase database;
    TestSmtp smtp;
    private final Set<TestSmtp.Received> taken = ConcurrentHashMap.newKeySet();
    TestServer server;
    Http http;
    Identities identities;

    abstract TestDatabase database();

    @BeforeAll
    void start() {
        database = database();
        smtp = TestSmtp.start();
        server = builder().eventHeartbeat(Duration.ofMillis(300)).start();
        http = new Http(server);
        identities = new Identities(http);
    }

    /** A server on this suite's database sending through its SMTP server, with links under {@link #PUBLIC_URL}. */
    TestServer.Builder builder() {
        var builder = TestServer.builder(database).setting("QUIRE_PUBLIC_URL", PUBLIC_URL)
                .setting("QUIRE_SIGNIN_LIMIT", "10000");
        smtp.settings().forEach(builder::setting);
        return builder;
    }

    @AfterAll
    void stop() {
        server.close();
        smtp.close();
    }

    /** The token of the next mail for {@code to}, whose link must be of {@code kind} ("verify" or "reset"). */
    String tokenFromMail(String to, String kind) {
        var mail = awaitMail(to, kind.equals("verify") ? VERIFY_SUBJECT : RESET_SUBJECT);
        var link = LINK.matcher(mail.text() + "\n");
        assertThat(link.find()).as("a link in: " + mail.text()).isTrue();
        assertThat(link.group(1)).isEqualTo(kind);
        return link.group(2);
    }

    /**
     * The first mail for {@code to} with this subject that no earlier call returned, waiting for it. (Mails are told
     * apart by their text, which holds a fresh token or a new address, rather than by their position in the server's
     * list, which is kept per mailbox and so shifts as other mailboxes fill.)
     */
    TestSmtp.Received awaitMail(String to, String subject) {
        long deadline = System.nanoTime() + MAIL_WAIT.toNanos();
        while (true) {
            for (var mail : smtp.receivedFor(to)) {
                if (mail.subject().equals(subject) && taken.add(mail)) {
                    return mail;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("No mail \"" + subject + "\" for " + to + " within " + MAIL_WAIT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String json(String name, String value) {
        return JsonNodeFactory.instance.objectNode().put(name, value).toString();
    }

    Http.Response verify(String token) {
        return http.request("POST", "/api/email-verifications").json(json("token", token)).send();
    }

    Http.Response requestReset(String email) {
        return http.request("POST", "/api/password-resets").json(json("email", email)).send();
    }

    Http.Response reset(String token, String password) {
        return http.request("POST", "/api/password-resets/" + token).json(json("password", password)).send();
    }

    Http.Response me(String token) {
        return http.request("GET", "/api/accounts/me").header("Authorization", "Bearer " + token).send();
    }

    /** Signs up, follows the verification mail and signs in. */
    Identities.Caller verifiedCaller(String name) {
        var caller = identities.newCaller(name);
        assertThat(verify(tokenFromMail(caller.email(), "verify")).status()).isEqualTo(204);
        return caller;
    }

    /** A problem without what differs between any two answers (its request id). */
    static JsonNode withoutRequestId(Http.Response response) {
        var body = (ObjectNode) response.json().deepCopy();
        body.remove("requestId");
        body.remove("instance");
        return body;
    }

    /** Moves every token of the account past its expiry, as time passing would. */
    void expireTokens(String accountId) throws SQLException {
        try (var connection = DriverManager.getConnection(database.url());
             var statement = connection.prepareStatement("update email_tokens set expires_at = ? where account_id = ?")) {
            statement.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(1)));
            statement.setString(2, accountId);
            assertThat(statement.executeUpdate()).isPositive();
        }
    }

    @Nested
    class Verification {
        @Test
        void signUpMailsALinkThatVerifiesTheAddressWithoutASession() {
            var caller = identities.newCaller("verifier");
            assertThat(me(caller.token()).json().path("emailVerified").asBoolean()).isFalse();
            var mail = awaitMail(caller.email(), VERIFY_SUBJECT);
            assertThat(mail.from()).contains("no-reply@quire.test");
            var link = LINK.matcher(mail.text() + "\n");
            assertThat(link.find()).as(mail.text()).isTrue();

            var verified = verify(link.group(2));

            assertThat(verified.status()).as(verified.toString()).isEqualTo(204);
            assertThat(verified.body()).isEmpty();
            var account = me(caller.token()).json();
            assertThat(account.path("emailVerified").asBoolean()).isTrue();
            assertThat(account.has("pendingEmail")).isFalse();
            var session = http.request("GET", "/api/sessions/me").header("Authorization", caller.bearer()).send();
            assertThat(session.json().path("account").path("emailVerified").asBoolean()).isTrue();
            assertThat(identities.signIn(caller.email(), PASSWORD).json().path("account").path("emailVerified")
                    .asBoolean()).isTrue();
        }

        @Test
        void theLongestAddressAnAccountMayHaveGetsItsMail() {
            // 254 code points, most outside the BMP: 490 characters as UTF-16, which is how H2 counts
            String email = "\uD83D\uDCDA".repeat(236) + "-" + Long.toString(System.nanoTime(), 36).substring(0, 5)
                    + "@example.com";
            assertThat(email.codePointCount(0, email.length())).isEqualTo(254);
            var signUp = identities.signUp(email, PASSWORD, "Reader");
            assertThat(signUp.status()).as(signUp.toString()).isEqualTo(201);

            assertThat(awaitMail(email, VERIFY_SUBJECT).text()).contains("/#/verify?token=");
        }

        @Test
        void aUsedAnExpiredAndAnUnknownTokenGetOneAnswer() throws SQLException {
            var caller = identities.newCaller("once");
            String used = tokenFromMail(caller.email(), "verify");
            assertThat(verify(used).status()).isEqualTo(204);
            var other = identities.newCaller("late");
            String expired = tokenFromMail(other.email(), "verify");
            expireTokens(other.accountId());

            var again = verify(used);
            var late = verify(expired);
            var unknown = verify("A".repeat(43));

            for (var refused : new Http.Response[] {again, late, unknown}) {
                assertProblem(refused, 422);
                assertThat(errorFields(refused)).containsExactly("token");
                assertThat(withoutRequestId(refused)).isEqualTo(withoutRequestId(unknown));
            }
            assertThat(unknown.json().path("detail").asText()).contains("invalid").contains("ask for a new one");
            assertThat(me(other.token()).json().path("emailVerified").asBoolean()).isFalse();
        }

        @Test
        void aResentLinkReplacesTheEarlierOne() {
            var caller = identities.newCaller("resender");
            String first = tokenFromMail(caller.email(), "verify");

            var resent = http.request("POST", "/api/accounts/me/verification").header("Authorization", caller.bearer())
                    .send();

            assertThat(resent.status()).as(resent.toString()).isEqualTo(202);
            assertThat(resent.json().path("email").asText()).isEqualTo(caller.email());
            String second = tokenFromMail(caller.email(), "verify");
            assertProblem(verify(first), 422);
            assertThat(verify(second).status()).isEqualTo(204);
            var nothingLeft = http.request("POST", "/api/accounts/me/verification")
                    .header("Authorization", caller.bearer()).send();
            assertProblem(nothingLeft, 409);
        }

        @Test
        void resendingTakesASession() {
            var response = http.request("POST", "/api/accounts/me/verification").send();

            assertProblem(response, 401);
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Nested
    class EmailChange {
        @Test
        void theNewAddressCountsOnlyOnceItsLinkIsFollowedAndTheOldOneIsTold() {
            var caller = verifiedCaller("mover");
            String newEmail = uniqueEmail("moved");

            var patched = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .header("Content-Type", "application/merge-patch+json")
                    .body("{\"email\":\"" + newEmail + "\",\"currentPassword\":\"" + PASSWORD + "\"}").send();

            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            assertThat(patched.json().path("email").asText()).isEqualTo(caller.email());
            assertThat(patched.json().path("emailVerified").asBoolean()).isTrue();
            assertThat(patched.json().path("pendingEmail").asText()).isEqualTo(newEmail);
            String token = tokenFromMail(newEmail, "verify");
            assertThat(identities.signIn(caller.email(), PASSWORD).status()).isEqualTo(201);
            assertThat(identities.signIn(newEmail, PASSWORD).status()).isEqualTo(401);

            assertThat(verify(token).status()).isEqualTo(204);

            var account = me(caller.token()).json();
            assertThat(account.path("email").asText()).isEqualTo(newEmail);
            assertThat(account.path("emailVerified").asBoolean()).isTrue();
            assertThat(account.has("pendingEmail")).isFalse();
            var notice = awaitMail(caller.email(), NOTICE_SUBJECT);
            assertThat(notice.text()).contains(newEmail);
            assertThat(identities.signIn(caller.email(), PASSWORD).status()).isEqualTo(401);
            assertThat(identities.signIn(newEmail, PASSWORD).status()).isEqualTo(201);
        }

        @Test
        void theCurrentPasswordIsRequiredAndAnAddressInUseIsAConflict() {
            var caller = identities.newCaller("changer");
            var other = identities.newCaller("owner");

            var missing = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json("{\"email\":\"" + uniqueEmail("x") + "\"}").send();
            var wrong = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json("{\"email\":\"" + uniqueEmail("x") + "\",\"currentPassword\":\"not the password\"}").send();
            var taken = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json("{\"email\":\"" + other.email().toUpperCase() + "\",\"currentPassword\":\"" + PASSWORD + "\"}")
                    .send();

            assertProblem(missing, 422);
            assertThat(errorFields(missing)).containsExactly("currentPassword");
            assertProblem(wrong, 422);
            assertThat(errorFields(wrong)).containsExactly("currentPassword");
            assertProblem(taken, 409);
            assertThat(me(caller.token()).json().has("pendingEmail")).isFalse();
        }
    }

    @Nested
    class PasswordReset {
        @Test
        void theAnswerIsTheSameWhetherOrNotAnAccountHasTheAddress() {
            var caller = identities.newCaller("forgetful");

            var known = requestReset(caller.email());
            var unknown = requestReset(uniqueEmail("nobody"));

            assertThat(known.status()).isEqualTo(202);
            assertThat(unknown.status()).isEqualTo(known.status());
            assertThat(unknown.body()).isEqualTo(known.body());
            assertThat(headersThatCanMatter(unknown)).isEqualTo(headersThatCanMatter(known));
            assertThat(known.json().path("detail").asText()).contains("If an account has this email address");
            tokenFromMail(caller.email(), "reset");
        }

        /** Every header but the two that differ between any two answers: the request id and the date. */
        Map<String, Object> headersThatCanMatter(Http.Response response) {
            var headers = new TreeMap<String, Object>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(response.raw().headers().map());
            headers.remove("X-Request-Id");
            headers.remove("Date");
            return headers;
        }

        /**
         * 200 requests for addresses that have accounts and 200 for addresses that do not, shuffled together, one at
         * a time: the two timing distributions are compared with a Mann-Whitney U test, which needs no assumption
         * about their shape. The test fails when they differ with p < 0.001. The figures go to the output.
         */
        @Test
        void anUnknownAddressIsAnsweredInTheSameTimeAsAKnownOne() {
            int each = 200;
            var known = new ArrayList<String>();
            for (int i = 0; i < each; i++) {
                String email = uniqueEmail("timed");
                assertThat(identities.signUp(email, PASSWORD, "Timed").status()).isEqualTo(201);
                known.add(email);
            }
            var requests = new ArrayList<Map.Entry<Boolean, String>>();
            known.forEach(email -> requests.add(Map.entry(true, email)));
            for (int i = 0; i < each; i++) {
                requests.add(Map.entry(false, uniqueEmail("untimed")));
            }
            Collections.shuffle(requests, new Random(17));
            // the sign-ups' own mails sent first, so that their sending is not part of what is measured
            known.forEach(email -> awaitMail(email, VERIFY_SUBJECT));
            for (int i = 0; i < 40; i++) {
                requestReset(uniqueEmail("warm-up"));
            }
            var knownNanos = new ArrayList<Long>();
            var unknownNanos = new ArrayList<Long>();
            for (var request : requests) {
                long started = System.nanoTime();
                var response = requestReset(request.getValue());
                long took = System.nanoTime() - started;
                assertThat(response.status()).isEqualTo(202);
                (request.getKey() ? knownNanos : unknownNanos).add(took);
            }

            double z = mannWhitneyZ(knownNanos, unknownNanos);
            System.out.printf(Locale.ROOT, "password reset timing on %s: known %s; unknown %s; Mann-Whitney z = %.2f%n",
                    database.name(), describe(knownNanos), describe(unknownNanos), z);
            assertThat(Math.abs(z)).as("|z| of known vs unknown (3.29: p = 0.001)").isLessThan(3.29);
        }

        static String describe(List<Long> nanos) {
            var sorted = nanos.stream().sorted().toList();
            return String.format(Locale.ROOT, "n %d, median %.2f ms, p10 %.2f, p90 %.2f, mean %.2f", sorted.size(),
                    sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() / 10) / 1e6,
                    sorted.get(sorted.size() * 9 / 10) / 1e6,
                    sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6);
        }

        /** The normal approximation of the Mann-Whitney U statistic of {@code a} against {@code b} (ties: mid-ranks). */
        static double mannWhitneyZ(List<Long> a, List<Long> b) {
            var all = new ArrayList<long[]>();
            a.forEach(value -> all.add(new long[] {value, 0}));
            b.forEach(value -> all.add(new long[] {value, 1}));
            all.sort(Comparator.comparingLong(pair -> pair[0]));
            double rankSumA = 0;
            for (int i = 0; i < all.size(); ) {
                int j = i;
                while (j < all.size() && all.get(j)[0] == all.get(i)[0]) {
                    j++;
                }
                double midRank = (i + 1 + j) / 2.0;
                for (int k = i; k < j; k++) {
                    if (all.get(k)[1] == 0) {
                        rankSumA += midRank;
                    }
                }
                i = j;
            }
            double n1 = a.size();
            double n2 = b.size();
            double u = rankSumA - n1 * (n1 + 1) / 2;
            return (u - n1 * n2 / 2) / Math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12);
        }

        @Test
        void aResetCallsOffAPendingChangeOfAddressSoItsLinkCanNoLongerTakeTheAccount() {
            // someone with the password asks to move the account to their own address, then the owner resets
            var caller = verifiedCaller("owner-reset");
            String theirs = uniqueEmail("taker");
            var patched = http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json("{\"email\":\"" + theirs + "\",\"currentPassword\":\"" + PASSWORD + "\"}").send();
            assertThat(patched.status()).isEqualTo(200);
            String change = tokenFromMail(theirs, "verify");
            assertThat(requestReset(caller.email()).status()).isEqualTo(202);
            assertThat(reset(tokenFromMail(caller.email(), "reset"), NEW_PASSWORD).status()).isEqualTo(204);

            assertProblem(verify(change), 422);
            var signedIn = identities.signIn(caller.email(), NEW_PASSWORD);
            assertThat(signedIn.status()).isEqualTo(201);
            assertThat(signedIn.json().path("account").path("email").asText()).isEqualTo(caller.email());
            assertThat(signedIn.json().path("account").has("pendingEmail")).isFalse();
            assertThat(identities.signIn(theirs, NEW_PASSWORD).status()).isEqualTo(401);
        }

        @Test
        void aPasswordChangeCallsOffAPendingChangeOfAddressAndAnOutstandingResetLink() {
            var caller = verifiedCaller("owner-change");
            String theirs = uniqueEmail("taker");
            http.request("PATCH", "/api/accounts/me").header("Authorization", caller.bearer())
                    .json("{\"email\":\"" + theirs + "\",\"currentPassword\":\"" + PASSWORD + "\"}").send();
            String change = tokenFromMail(theirs, "verify");
            assertThat(requestReset(caller.email()).status()).isEqualTo(202);
            String resetLink = tokenFromMail(caller.email(), "reset");

            var changed = http.request("PUT", "/api/accounts/me/password").header("Authorization", caller.bearer())
                    .json("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + NEW_PASSWORD + "\"}")
                    .send();
            assertThat(changed.status()).as(changed.toString()).isEqualTo(204);

            assertProblem(verify(change), 422);
            assertProblem(reset(resetLink, "yet another passphrase"), 422);
            assertThat(me(caller.token()).json().has("pendingEmail")).isFalse();
            assertThat(identities.signIn(caller.email(), NEW_PASSWORD).status()).isEqualTo(201);
        }

        @Test
        void aResetOfAnAccountWhoseAddressWasNeverProvenRevokesTheKeysMadeBeforeIt() {
            // signed up with another person's address, and made a key before its owner took the account back
            var squatter = identities.newCaller("squatted");
            var key = http.request("POST", "/api/keys").header("Authorization", squatter.bearer())
                    .json("{\"name\":\"left behind\",\"scopes\":[\"todos:read\",\"todos:write\"]}").send();
            assertThat(key.status()).as(key.toString()).isEqualTo(201);
            String secret = key.json().path("secret").asText();
            assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + secret).send().status())
                    .isEqualTo(200);

            assertThat(requestReset(squatter.email()).status()).isEqualTo(202);
            assertThat(reset(tokenFromMail(squatter.email(), "reset"), NEW_PASSWORD).status()).isEqualTo(204);

            assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + secret).send().status())
                    .as("the key made before the address was proven").isEqualTo(401);
        }

        @Test
        void aResetOfAVerifiedAccountKeepsItsKeys() {
            var owner = verifiedCaller("keeper");
            var key = http.request("POST", "/api/keys").header("Authorization", owner.bearer())
                    .json("{\"name\":\"backup\",\"scopes\":[\"todos:read\"]}").send();
            String secret = key.json().path("secret").asText();

            assertThat(requestReset(owner.email()).status()).isEqualTo(202);
            assertThat(reset(tokenFromMail(owner.email(), "reset"), NEW_PASSWORD).status()).isEqualTo(204);

            assertThat(http.request("GET", "/api/todos").header("Authorization", "Bearer " + secret).send().status())
                    .as("keys are credentials of their own once the address is proven").isEqualTo(200);
        }

        @Test
        void theMailedLinkSetsANewPasswordOnceAndEndsEverySessionAndItsStreams() throws Exception {
            var caller = identities.newCaller("resetter");
            String second = identities.signIn(caller.email(), PASSWORD).json().path("token").asText();
            assertThat(requestReset(caller.email()).status()).isEqualTo(202);
            var mail = awaitMail(caller.email(), RESET_SUBJECT);
            var link = LINK.matcher(mail.text() + "\n");
            assertThat(link.find()).isTrue();
            assertThat(link.group(1)).isEqualTo("reset");
            String token = link.group(2);

            try (var stream = EventStreamClient.open(server.uri("/api/todos/events"),
                    Map.of("Authorization", "Bearer " + second))) {
                assertThat(stream.status()).isEqualTo(200);
                var done = reset(token, NEW_PASSWORD);

                assertThat(done.status()).as(done.toString()).isEqualTo(204);
                assertThat(stream.awaitEnd(Duration.ofSeconds(10))).as("the session's event stream ends").isTrue();
            }
            assertThat(me(caller.token()).status()).isEqualTo(401);
            assertThat(me(second).status()).isEqualTo(401);
            assertThat(identities.signIn(caller.email(), PASSWORD).status()).isEqualTo(401);
            var signedIn = identities.signIn(caller.email(), NEW_PASSWORD);
            assertThat(signedIn.status()).isEqualTo(201);
            assertThat(signedIn.json().path("account").path("emailVerified").asBoolean())
                    .as("the link was mailed to the address: following it verifies it").isTrue();
            var again = reset(token, "yet another passphrase");
            assertProblem(again, 422);
            assertThat(errorFields(again)).containsExactly("token");
            assertThat(identities.signIn(caller.email(), NEW_PASSWORD).status()).isEqualTo(201);
        }

        @Test
        void aUsedAnExpiredAReplacedAndAnUnknownTokenGetOneAnswer() throws SQLException {
            var used = identities.newCaller("used");
            requestReset(used.email());
            String usedToken = tokenFromMail(used.email(), "reset");
            assertThat(reset(usedToken, NEW_PASSWORD).status()).isEqualTo(204);
            var late = identities.newCaller("late");
            requestReset(late.email());
            String expiredToken = tokenFromMail(late.email(), "reset");
            expireTokens(late.accountId());
            var twice = identities.newCaller("twice");
            requestReset(twice.email());
            String replacedToken = tokenFromMail(twice.email(), "reset");
            requestReset(twice.email());
            String newerToken = tokenFromMail(twice.email(), "reset");

            var unknown = reset("A".repeat(43), NEW_PASSWORD);
            for (var refused : new Http.Response[] {reset(usedToken, "another fine passphrase"),
                    reset(expiredToken, NEW_PASSWORD), reset(replacedToken, NEW_PASSWORD), unknown}) {
                assertProblem(refused, 422);
                assertThat(errorFields(refused)).containsExactly("token");
                assertThat(withoutRequestId(refused)).isEqualTo(withoutRequestId(unknown));
                assertThat(refused.body()).doesNotContain(usedToken, expiredToken, replacedToken);
            }
            assertThat(identities.signIn(late.email(), PASSWORD).status()).isEqualTo(201);
            assertThat(identities.signIn(twice.email(), PASSWORD).status()).isEqualTo(201);
            assertThat(reset(newerToken, NEW_PASSWORD).status()).isEqualTo(204);
        }

        @Test
        void aTokenChangesOnlyTheAccountItWasMailedFor() {
            var owner = identities.newCaller("owner");
            var other = identities.newCaller("bystander");
            requestReset(owner.email());
            String token = tokenFromMail(owner.email(), "reset");

            // sent with another account's session: the token, not the session, says whose password it sets
            var done = http.request("POST", "/api/password-resets/" + token).header("Authorization", other.bearer())
                    .json(json("password", NEW_PASSWORD)).send();

            assertThat(done.status()).isEqualTo(204);
            assertThat(me(other.token()).status()).isEqualTo(200);
            assertThat(identities.signIn(other.email(), PASSWORD).status()).isEqualTo(201);
            assertThat(identities.signIn(owner.email(), NEW_PASSWORD).status()).isEqualTo(201);
        }

        @Test
        void aPasswordThatBreaksTheRulesLeavesTheLinkWorking() {
            var caller = identities.newCaller("weak");
            requestReset(caller.email());
            String token = tokenFromMail(caller.email(), "reset");

            var weak = reset(token, "password1");
            var missing = http.request("POST", "/api/password-resets/" + token).json("{}").send();

            assertProblem(weak, 422);
            assertThat(errorFields(weak)).containsExactly("password");
            assertProblem(missing, 422);
            assertThat(errorFields(missing)).containsExactly("password");
            assertThat(me(caller.token()).status()).isEqualTo(200);
            assertThat(reset(token, NEW_PASSWORD).status()).isEqualTo(204);
        }
    }

    /** Servers of their own: the mail limit, and verified emails required. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Limits {
        static final int LIMIT = 2;
        TestServer limited;
        TestServer strict;

        @BeforeAll
        void start() {
            limited = builder().setting("QUIRE_MAIL_LIMIT", String.valueOf(LIMIT)).start();
            strict = builder().setting("QUIRE_REQUIRE_VERIFIED_EMAIL", "true").start();
        }

        @AfterAll
        void stop() {
            limited.close();
            strict.close();
        }

        RawHttp.Response resetFrom(String address, String email) {
            return RawHttp.exchange(limited, address, RawHttp.json("POST", "/api/password-resets", json("email", email)));
        }

        static void assertTooMany(RawHttp.Response response) {
            assertThat(response.status()).as(response.body()).isEqualTo(429);
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 3600L);
        }

        @Test
        void resetsAreLimitedPerEmailWhereverTheyComeFromAndPerAddressWhateverTheEmail() {
            String email = uniqueEmail("popular");
            for (int i = 0; i < LIMIT; i++) {
                assertThat(resetFrom("127.0.0." + (40 + i), email).status()).isEqualTo(202);
            }
            assertTooMany(resetFrom("127.0.0.49", email.toUpperCase()));

            for (int i = 0; i < LIMIT; i++) {
                assertThat(resetFrom("127.0.0.50", uniqueEmail("probe")).status()).isEqualTo(202);
            }
            assertTooMany(resetFrom("127.0.0.50", uniqueEmail("probe")));
            assertThat(resetFrom("127.0.0.51", uniqueEmail("probe")).status()).isEqualTo(202);
        }

        @Test
        void resendingIsLimitedPerAccount() {
            var caller = new Identities(new Http(limited)).newCaller("impatient");
            var http = new Http(limited);
            for (int i = 0; i < LIMIT; i++) {
                assertThat(http.request("POST", "/api/accounts/me/verification").header("Authorization",
                        caller.bearer()).send().status()).isEqualTo(202);
            }

            var refused = http.request("POST", "/api/accounts/me/verification").header("Authorization", caller.bearer())
                    .send();

            assertProblem(refused, 429);
            assertThat(refused.header("Retry-After")).isNotNull();
        }

        @Test
        void anUnverifiedAccountSignsInOnlyOnceItFollowsTheLink() {
            var strictHttp = new Http(strict);
            var strictIdentities = new Identities(strictHttp);
            String email = uniqueEmail("strict");
            assertThat(strictIdentities.signUp(email, PASSWORD, "Strict").status()).isEqualTo(201);
            tokenFromMail(email, "verify");

            assertThat(strictIdentities.signIn(email, "not the password").status()).isEqualTo(401);
            var refused = strictIdentities.signIn(email, PASSWORD);

            assertProblem(refused, 403);
            assertThat(refused.json().path("detail").asText()).contains("not verified");
            assertThat(refused.body()).doesNotContain("token\"");
            // the refusal mailed a fresh link, which replaced the first
            String token = tokenFromMail(email, "verify");
            assertThat(strictHttp.request("POST", "/api/email-verifications").json(json("token", token)).send()
                    .status()).isEqualTo(204);
            assertThat(strictIdentities.signIn(email, PASSWORD).status()).isEqualTo(201);
        }
    }
}
