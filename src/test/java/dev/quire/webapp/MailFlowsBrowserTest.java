package dev.quire.webapp;

import static dev.quire.support.Browser.button;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.support.Browser;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import dev.quire.support.TestSmtp;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The page's email verification, email change and password reset, in real headless Chromium against the real
 * application, whose mails a real SMTP server receives: every journey submits the page's forms, follows the link
 * in the mail it caused, and checks the outcome through the API. The links name {@code QUIRE_PUBLIC_URL}
 * (https://quire.example); the journeys open the same path and fragment on the test server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailFlowsBrowserTest {
    private static final String PUBLIC_URL = "https://quire.example";
    private static final Pattern LINK = Pattern.compile(Pattern.quote(PUBLIC_URL) + "(/#/(?:verify|reset)\\?token=[A-Za-z0-9_-]{43})\\s");

    @RegisterExtension
    static final Browser browser = Browser.sharedByTheClass();

    TestSmtp smtp;
    TestServer server;
    Http http;
    Identities identities;
    final Set<TestSmtp.Received> taken = new HashSet<>();

    @BeforeAll
    void start() {
        smtp = TestSmtp.start();
        var builder = TestServer.builder(TestDatabase.h2()).setting("QUIRE_PUBLIC_URL", PUBLIC_URL);
        smtp.settings().forEach(builder::setting);
        server = builder.start();
        http = new Http(server);
        identities = new Identities(http);
    }

    @AfterAll
    void stop() {
        server.close();
        smtp.close();
    }

    @AfterEach
    void nothingWentWrongInThePage() {
        assertThat(browser.console()).filteredOn(line -> line.contains("Content Security Policy")
                || line.contains("Uncaught") || line.contains("SyntaxError") || line.contains("TypeError")).isEmpty();
    }

    @Test
    void signingUpMailsALinkThatVerifiesTheAddressAndLeavesNoTokenBehind() {
        String email = Identities.uniqueEmail("newcomer");
        browser.open(server.uri("/#/sign-up"));
        browser.visible(By.id("sign-up-name")).sendKeys("Newcomer");
        browser.visible(By.id("sign-up-email")).sendKeys(email);
        browser.visible(By.id("sign-up-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Newcomer");
        String pageToken = token();
        assertThat(me(pageToken).path("emailVerified").asBoolean()).isFalse();

        String link = followLink(email, "Confirm your email address for Quire");

        browser.showing(By.cssSelector("main .outcome"), "Your email address is verified.");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/verify").doesNotContain("token");
        assertThat(me(pageToken).path("emailVerified").asBoolean()).isTrue();
        browser.driver().navigate().back();
        browser.await("the previous view", d -> !d.getCurrentUrl().endsWith("#/verify"));
        assertThat(browser.driver().getCurrentUrl()).as("the history").doesNotContain(link.substring(link.indexOf("token")));
    }

    @Test
    void theAccountPageResendsTheLinkAndChangesTheAddressOnceTheNewOneIsConfirmed() {
        var caller = identities.newCaller("Mover");
        awaitMail(caller.email(), "Confirm your email address for Quire");
        signInThroughThePage(caller);
        browser.visible(By.cssSelector("#account a.who")).click();
        browser.showing(By.cssSelector(".email-state"), "(not verified yet)");

        browser.visible(button("Resend verification mail")).click();
        browser.showing(By.cssSelector("section.email > .outcome"), "A new link is on its way to " + caller.email());
        String resent = link(awaitMail(caller.email(), "Confirm your email address for Quire"));

        String newEmail = Identities.uniqueEmail("moved");
        changeEmail(newEmail, "not my password");
        browser.showing(By.id("email-change-password-error"), "Current password is not this account's password");
        changeEmail(newEmail, Identities.PASSWORD);
        browser.showing(By.cssSelector("form[aria-labelledby=email-change-title] .outcome"),
                "We mailed a link to " + newEmail);
        browser.showing(By.cssSelector(".email-pending"), "Changing to " + newEmail);
        assertThat(me(caller.token()).path("pendingEmail").asText()).isEqualTo(newEmail);

        followLink(newEmail, "Confirm your email address for Quire");
        browser.showing(By.cssSelector("main .outcome"), "Your email address is verified.");
        var account = me(caller.token());
        assertThat(account.path("email").asText()).isEqualTo(newEmail);
        assertThat(account.path("emailVerified").asBoolean()).isTrue();
        assertThat(awaitMail(caller.email(), "Your Quire email address was changed").text()).contains(newEmail);

        // the link sent before the change was replaced by the one to the new address
        browser.open(server.uri(resent));
        browser.showing(By.cssSelector("main .outcome"), "This link is invalid");
    }

    @Test
    void forgotPasswordMailsALinkWhoseViewSetsANewPasswordAndEndsEverySession() {
        var caller = identities.newCaller("Forgetful");
        browser.open(server.uri("/#/sign-in"));
        browser.visible(button("Forgot password?")).click();
        browser.visible(By.id("forgot-email")).sendKeys(caller.email() + Keys.ENTER);
        browser.showing(By.cssSelector("main .outcome"), "If an account has this email address");

        followLink(caller.email(), "Reset your Quire password");
        browser.showing(By.cssSelector("main h1"), "Choose a new password");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/reset").doesNotContain("token");
        String next = "a brand new passphrase for me";
        setPassword("password1", "password1");
        browser.showing(By.id("reset-password-error"), "New password");
        setPassword(next, next + "!");
        browser.showing(By.id("reset-repeat-password-error"), "does not match the new password");
        setPassword(next, next);

        browser.showing(By.id("status"), "Your password is changed");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/sign-in");
        assertThat(me(caller.token()).path("status").asInt()).as("the earlier session").isEqualTo(401);
        assertThat(identities.signIn(caller.email(), Identities.PASSWORD).status()).isEqualTo(401);
        browser.visible(By.id("sign-in-email")).sendKeys(caller.email());
        browser.visible(By.id("sign-in-password")).sendKeys(next + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Forgetful");
        assertThat(me(token()).path("emailVerified").asBoolean()).as("the link proved the address").isTrue();
    }

    // ---- helpers ----

    /** Waits for the mail and opens its link's path and fragment on the test server; returns the link as mailed. */
    private String followLink(String to, String subject) {
        String link = link(awaitMail(to, subject));
        browser.open(server.uri(link));
        return PUBLIC_URL + link;
    }

    /**
     * A newcomer's whole first hour with accounts: signs up on the page, follows the mail's link, makes a read-only
     * key on the account page, uses it with curl (the real one, as a script would), and revokes it on the page.
     */
    @Test
    void aNewcomerVerifiesTheAddressMakesAReadOnlyKeyUsesItWithCurlAndRevokesIt() throws Exception {
        String email = Identities.uniqueEmail("scripter");
        browser.open(server.uri("/#/sign-up"));
        browser.visible(By.id("sign-up-name")).sendKeys("Scripter");
        browser.visible(By.id("sign-up-email")).sendKeys(email);
        browser.visible(By.id("sign-up-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as Scripter");
        String pageToken = token();
        assertThat(http.request("POST", "/api/todos").header("Authorization", "Bearer " + pageToken)
                .json("{\"title\":\"Back up the photos\"}").send().status()).isEqualTo(201);

        followLink(email, "Confirm your email address for Quire");
        browser.showing(By.cssSelector("main .outcome"), "Your email address is verified.");
        assertThat(me(pageToken).path("emailVerified").asBoolean()).isTrue();

        browser.visible(By.cssSelector("#account a.who")).click();
        browser.showing(By.cssSelector("main h1"), "Your account");
        browser.visible(By.cssSelector(".email-state .email-verified"));
        browser.visible(By.id("key-name")).sendKeys("nightly backup");
        browser.visible(By.id("key-scope-todos-read")).click();
        browser.visible(button("Create key")).click();
        String key = browser.visible(By.id("new-key-secret")).getDomProperty("value");
        assertThat(key).startsWith("quire_pat_");

        var read = curl("-s", "-w", "\\n%{http_code}", "-H", "Authorization: Bearer " + key,
                server.uri("/api/todos").toString());
        assertThat(read).endsWith("\n200").contains("Back up the photos");
        var write = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Authorization: Bearer " + key, "-H", "Content-Type: application/json", "-d",
                "{\"title\":\"Not with a read-only key\"}", server.uri("/api/todos").toString());
        assertThat(write).isEqualTo("403");

        browser.visible(button("Done")).click();
        browser.visible(By.cssSelector(".key-list button[aria-label='Revoke nightly backup']")).click();
        browser.showing(By.cssSelector(".keys .outcome"), "Revoked");
        var revoked = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer " + key,
                server.uri("/api/todos").toString());
        assertThat(revoked).as("revoked on the page: refused at once").isEqualTo("401");
        var titles = http.request("GET", "/api/todos").header("Authorization", "Bearer " + pageToken).send().json()
                .path("items").findValuesAsText("title");
        assertThat(titles).as("the refused write made nothing").containsExactly("Back up the photos");
    }

    private static String curl(String... arguments) throws Exception {
        var command = new java.util.ArrayList<String>();
        command.add("curl");
        command.addAll(java.util.List.of(arguments));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("curl's exit: " + output).isZero();
        return output;
    }

    private static String link(TestSmtp.Received mail) {
        var matcher = LINK.matcher(mail.text() + "\n");
        assertThat(matcher.find()).as(mail.text()).isTrue();
        return matcher.group(1);
    }

    private TestSmtp.Received awaitMail(String to, String subject) {
        return browser.await("a mail \"" + subject + "\" for " + to, d -> smtp.receivedFor(to).stream()
                .filter(mail -> mail.subject().equals(subject) && taken.add(mail)).findFirst().orElse(null));
    }

    private void signInThroughThePage(Identities.Caller caller) {
        browser.open(server.uri("/#/sign-in"));
        browser.visible(By.id("sign-in-email")).sendKeys(caller.email());
        browser.visible(By.id("sign-in-password")).sendKeys(Identities.PASSWORD + Keys.ENTER);
        browser.showing(By.id("account"), "Signed in as");
    }

    private void changeEmail(String email, String password) {
        var address = browser.visible(By.id("email-change-address"));
        address.clear();
        address.sendKeys(email);
        var current = browser.visible(By.id("email-change-password"));
        current.clear();
        current.sendKeys(password);
        browser.visible(button("Change email address")).click();
    }

    private void setPassword(String password, String repeated) {
        var first = browser.visible(By.id("reset-password"));
        first.clear();
        first.sendKeys(password);
        var second = browser.visible(By.id("reset-repeat-password"));
        second.clear();
        second.sendKeys(repeated);
        browser.visible(button("Set new password")).click();
    }

    private String token() {
        return (String) browser.script("return sessionStorage.getItem('quire.token')");
    }

    private JsonNode me(String token) {
        return http.request("GET", "/api/accounts/me").header("Authorization", "Bearer " + token).send().json();
    }
}
