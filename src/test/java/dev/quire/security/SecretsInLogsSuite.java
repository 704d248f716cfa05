package dev.quire.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.StdoutCapture;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TestSmtp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * No secret reaches a log line, and no response gives back a password or a hash. A whole flow runs against the
 * real application with its real JSON logs on stdout: sign-up, sign-in with the right and a wrong password,
 * requests with the token, malformed, tampered and doubled Authorization headers, /metrics with and without its
 * token, bodies that fail validation with the password in them, a password change, an API key made, used, refused a
 * write, sent in a query and a path, tampered with and revoked, sign-out. Then every line logged since the server
 * started is searched for each secret: the passwords, the token and its secret half, every Authorization value sent,
 * the API keys (and the part after their visible prefix), the metrics token, the database password, the token, key
 * and password hashes as the database holds them, and the tokens of the mailed links (a verification, a password
 * reset whose token travels in its path). Runs once per database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecretsInLogsSuite {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String metricsToken = "metrics-" + random();
    private final String databasePassword = "db-" + random();
    private final StdoutCapture capture = StdoutCapture.install();
    private TestDatabase database;
    private TestServer server;
    private TestSmtp smtp;
    private Http http;
    private int mark;

    abstract TestDatabase database();

    @BeforeAll
    void startServer() {
        mark = capture.mark();
        database = database();
        // mails go to an SMTP server: without one, Quire writes each mail, link and all, to its log on purpose
        smtp = TestSmtp.start();
        var builder = TestServer.builder(database);
        smtp.settings().forEach(builder::setting);
        server = builder
                .setting("QUIRE_METRICS_TOKEN", metricsToken)
                .setting("QUIRE_DB_PASSWORD", databasePassword)
                .setting("QUIRE_RATE_LIMIT", "0")
                .setting("QUIRE_SIGNIN_LIMIT", "10000")
                .start();
        http = new Http(server);
    }

    @AfterAll
    void stopServer() {
        server.close();
        smtp.close();
    }

    @Test
    @Timeout(60)
    void noSecretIsEverLoggedAndNoResponseEchoesAPasswordOrHash() throws Exception {
        String email = Identities.uniqueEmail("secretive");
        String password = "pass-" + random();
        String wrongPassword = "guess-" + random();
        String invalidPassword = "invalid-" + random();
        String newPassword = "new-" + random();
        var secrets = new LinkedHashMap<String, String>();
        secrets.put("password", password);
        secrets.put("wrong password", wrongPassword);
        secrets.put("password in an invalid body", invalidPassword);
        secrets.put("new password", newPassword);
        secrets.put("metrics token", metricsToken);
        secrets.put("database password", databasePassword);
        var responses = new ArrayList<Http.Response>();

        var identities = new Identities(http);
        responses.add(expect(201, identities.signUp(email, password, "Secretive")));
        String accountId = responses.get(0).json().path("id").asText();
        var signIn = expect(201, identities.signIn(email, password));
        String token = signIn.json().path("token").asText();
        String tokenSecret = token.substring(token.lastIndexOf('.') + 1);
        String sessionId = token.substring(0, token.lastIndexOf('.'));
        String tampered = sessionId + "." + new StringBuilder(tokenSecret).reverse();
        String basic = Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
        secrets.put("token", token);
        secrets.put("token secret", tokenSecret);
        secrets.put("tampered token", tampered);
        secrets.put("Basic credentials", basic);
        String bearer = "Bearer " + token;

        responses.add(expect(401, identities.signIn(email, wrongPassword)));
        responses.add(expect(401, identities.signIn("nobody-" + email, password)));
        responses.add(expect(200, http.request("GET", "/api/accounts/me").header("Authorization", bearer).send()));
        responses.add(expect(200, http.request("GET", "/api/sessions/me").header("Authorization", bearer).send()));
        responses.add(expect(201, http.request("POST", "/api/todos").header("Authorization", bearer)
                .json("{\"title\":\"Keep secrets\"}").send()));
        responses.add(expect(200, http.request("GET", "/api/todos").header("Authorization", bearer).send()));
        responses.add(expect(401, http.request("GET", "/api/todos").header("Authorization", "Bearer " + tampered)
                .send()));
        responses.add(expect(401, http.request("GET", "/api/todos").header("Authorization", "Bearer " + tokenSecret)
                .send()));
        responses.add(expect(401, http.request("GET", "/api/todos").header("Authorization", bearer)
                .header("Authorization", "Bearer " + tampered).send()));
        responses.add(expect(401, http.request("GET", "/api/todos").header("Authorization", "Basic " + basic).send()));
        responses.add(expect(401, http.request("GET", "/api/books").header("Authorization", token).send()));
        responses.add(expect(200, http.request("GET", "/metrics").header("Authorization", "Bearer " + metricsToken)
                .send()));
        responses.add(expect(401, http.request("GET", "/metrics").header("Authorization", bearer).send()));
        responses.add(expect(401, http.request("GET", "/metrics").send()));
        // secrets in the query string, where Quire takes none: refused, and redacted in the access line
        responses.add(expect(400, http.request("GET", "/api/books?access_token=" + token + "&q=dune").send()));
        responses.add(expect(400, http.request("GET", "/api/books?q=dune&Password=" + password).send()));

        // an API key: made, used, refused a write, sent where no key belongs, tampered with, revoked
        var created = expect(201, http.request("POST", "/api/keys").header("Authorization", bearer)
                .json("{\"name\":\"logged nowhere\",\"scopes\":[\"todos:read\"]}").send());
        String key = created.json().path("secret").asText();
        String keyId = created.json().path("id").asText();
        String tamperedKey = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        secrets.put("API key", key);
        secrets.put("API key past its prefix", key.substring(created.json().path("prefix").asText().length()));
        secrets.put("tampered API key", tamperedKey);
        responses.add(expect(200, http.request("GET", "/api/todos").header("Authorization", "Bearer " + key).send()));
        responses.add(expect(403, http.request("POST", "/api/todos").header("Authorization", "Bearer " + key)
                .json("{\"title\":\"No\"}").send()));
        responses.add(expect(403, http.request("GET", "/api/keys").header("Authorization", "Bearer " + key).send()));
        responses.add(expect(400, http.request("GET", "/api/books?q=dune&k=" + key).send()));
        responses.add(expect(404, http.request("GET", "/api/todos/" + key).header("Authorization", bearer).send()));
        responses.add(expect(401, http.request("GET", "/api/todos").header("Authorization", "Bearer " + tamperedKey)
                .send()));
        secrets.put("API key hash", column("select secret_hash from api_keys where id = ?", keyId));
        assertThat(secrets.get("API key hash")).isEqualTo(sha256(key));
        responses.add(expect(204, http.request("DELETE", "/api/keys/" + keyId).header("Authorization", bearer).send()));
        responses.add(expect(401, http.request("GET", "/api/todos").header("Authorization", "Bearer " + key).send()));

        // bodies that fail, with a password in them
        responses.add(expect(422, http.request("POST", "/api/accounts").json("{\"email\":\"not-an-address\","
                + "\"password\":\"" + invalidPassword + "\",\"displayName\":\"\"}").send()));
        responses.add(expect(422, http.request("POST", "/api/accounts").json("{\"email\":\"" + email + "x\","
                + "\"password\":\"" + invalidPassword + "\",\"displayName\":\"X\",\"passwordHash\":\"h\"}").send()));
        responses.add(expect(400, http.request("POST", "/api/sessions")
                .json("{\"email\":\"" + email + "\",\"password\":" + invalidPassword + "}").send()));
        responses.add(expect(400, http.request("POST", "/api/sessions")
                .json("{\"email\":\"" + email + "\",\"password\":\"" + invalidPassword + "}").send()));
        responses.add(expect(422, http.request("POST", "/api/sessions")
                .json("{\"email\":\"" + email + "\",\"password\":\"" + invalidPassword.repeat(10) + "\"}").send()));
        responses.add(expect(422, http.request("PUT", "/api/accounts/me/password").header("Authorization", bearer)
                .json("{\"currentPassword\":\"" + wrongPassword + "\",\"newPassword\":\"" + newPassword + "\"}")
                .send()));
        responses.add(expect(204, http.request("PUT", "/api/accounts/me/password").header("Authorization", bearer)
                .json("{\"currentPassword\":\"" + password + "\",\"newPassword\":\"" + newPassword + "\"}")
                .send()));

        secrets.put("token hash", storedTokenHash(sessionId));
        assertThat(secrets.get("token hash")).as("the database keeps the SHA-256 of the token's secret")
                .isEqualTo(sha256(tokenSecret));
        secrets.put("password hash", storedPasswordHash(accountId));
        assertThat(secrets.get("password hash")).startsWith("$argon2id$");

        var signOut = expect(204, http.request("DELETE", "/api/sessions/me").header("Authorization", bearer).send());
        responses.add(signOut);
        responses.add(expect(401, http.request("GET", "/api/sessions/me").header("Authorization", bearer).send()));

        // the mailed links: a verification and a password reset, the reset's token in its path
        String verification = tokenFromMail(email, "verify");
        secrets.put("verification token", verification);
        responses.add(expect(204, http.request("POST", "/api/email-verifications")
                .json("{\"token\":\"" + verification + "\"}").send()));
        responses.add(expect(422, http.request("POST", "/api/email-verifications")
                .json("{\"token\":\"" + verification + "\"}").send()));
        responses.add(expect(202, http.request("POST", "/api/password-resets").json("{\"email\":\"" + email + "\"}")
                .send()));
        String reset = tokenFromMail(email, "reset");
        String resetPassword = "reset-" + random();
        secrets.put("reset token", reset);
        secrets.put("password set by a reset", resetPassword);
        responses.add(expect(422, http.request("POST", "/api/password-resets/" + reset)
                .json("{\"password\":\"password1\"}").send()));
        responses.add(expect(204, http.request("POST", "/api/password-resets/" + reset)
                .json("{\"password\":\"" + resetPassword + "\"}").send()));
        var last = expect(422, http.request("POST", "/api/password-resets/" + reset)
                .json("{\"password\":\"" + resetPassword + "\"}").send());
        responses.add(last);
        capture.awaitAccessLines(mark, last.requestId());

        var lines = capture.linesSince(mark);
        assertThat(lines).as("the flow was logged").hasSizeGreaterThan(responses.size());
        for (var response : responses) {
            assertThat(capture.accessLinesSince(mark, response.requestId())).as("logged: " + response).isNotEmpty();
        }
        for (String line : lines) {
            secrets.forEach((what, secret) -> assertThat(line).as("a log line holds the " + what).doesNotContain(secret));
        }
        for (var response : responses) {
            String whole = response.raw().headers().map() + " " + response.body();
            for (String what : List.of("password", "wrong password", "password in an invalid body", "new password",
                    "token hash", "password hash", "metrics token", "database password", "tampered token",
                    "verification token", "reset token", "password set by a reset", "tampered API key",
                    "API key hash")) {
                assertThat(whole).as(response + " holds the " + what).doesNotContain(secrets.get(what));
            }
        }
        assertThat(signIn.body()).as("the one response that carries the token").contains(token)
                .doesNotContain(password, secrets.get("password hash"), secrets.get("token hash"));
    }

    /** The token of the link in the last mail of this kind ("verify" or "reset") sent to {@code to}. */
    private String tokenFromMail(String to, String kind) throws InterruptedException {
        var link = Pattern.compile("/#/" + kind + "\\?token=([A-Za-z0-9_-]{43})");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var found = smtp.receivedFor(to).stream().map(mail -> link.matcher(mail.text())).filter(Matcher::find)
                    .map(matcher -> matcher.group(1)).reduce((first, second) -> second);
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + kind + " mail for " + to);
    }

    private static Http.Response expect(int status, Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        return response;
    }

    private String storedTokenHash(String sessionId) throws SQLException {
        return column("select secret_hash from sessions where id = ?", sessionId);
    }

    private String storedPasswordHash(String accountId) throws SQLException {
        return column("select password_hash from accounts where id = ?", accountId);
    }

    private String column(String sql, String id) throws SQLException {
        var credentials = new Properties();
        if (database.url().startsWith("jdbc:h2:")) {
            credentials.put("user", ""); // H2's test databases have the empty user name; PostgreSQL's URLs name theirs
        }
        credentials.put("password", databasePassword);
        try (var connection = DriverManager.getConnection(database.url(), credentials);
             var statement = connection.prepareStatement(sql)) {
            statement.setString(1, id);
            try (var result = statement.executeQuery()) {
                assertThat(result.next()).as(sql + " " + id).isTrue();
                return result.getString(1);
            }
        }
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
