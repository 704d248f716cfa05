package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.quire.identity.IdentitySettings.HashCost;
import dev.quire.limits.InMemoryBucketStore;
import dev.quire.mail.Mail;
import dev.quire.shared.FieldError;
import dev.quire.shared.ValidationException;
import dev.quire.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Email verification, email change and password reset on the real service, an in-memory store and a moved clock. */
class MailFlowsServiceTest {
    static final String PASSWORD = "correct horse battery staple";
    static final String NEW_PASSWORD = "a brand new passphrase";
    static final String ADDRESS = "192.0.2.1";
    static final int MAILS_PER_HOUR = 3;
    static final Pattern LINK = Pattern.compile("http://quire\\.test/#/(verify|reset)\\?token=([A-Za-z0-9_-]{43})\\n");

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final InMemoryIdentityStore store = new InMemoryIdentityStore();

    IdentityService service(boolean requireVerifiedEmail) {
        return new IdentityService(store, new PasswordHasher(new HashCost(1024, 1, 1), 2, Duration.ofSeconds(5)),
                PasswordPolicy.withBundledList(), new SignInThrottle(new InMemoryBucketStore(clock), 100), clock,
                Duration.ofHours(12), new AccountMails(path -> "http://quire.test" + path),
                new InMemoryBucketStore(clock).buckets("mail", MAILS_PER_HOUR, Duration.ofHours(1)),
                requireVerifiedEmail, Runnable::run);
    }

    final IdentityService identity = service(false);

    Account signUp(String email) {
        return identity.signUp(new NewAccount(email, PASSWORD, "Ada"));
    }

    Mail lastMail() {
        var mails = store.mails();
        return mails.get(mails.size() - 1);
    }

    /** The token of the last mail's link, which must be of {@code kind} and sent to {@code to}. */
    String lastToken(String kind, String to) {
        var mail = lastMail();
        assertThat(mail.to()).isEqualTo(to);
        var link = LINK.matcher(mail.text());
        assertThat(link.find()).as(mail.text()).isTrue();
        assertThat(link.group(1)).isEqualTo(kind);
        return link.group(2);
    }

    Session sessionOf(String email, String password) {
        return identity.signIn(new Credentials(email, password), ADDRESS).session();
    }

    @Nested
    class Verification {
        @Test
        void signUpMailsALinkThatVerifiesTheAddressOnce() {
            var account = signUp("ada@example.com");
            assertThat(account.emailVerified()).isFalse();
            String token = lastToken("verify", "ada@example.com");
            assertThat(lastMail().subject()).isEqualTo("Confirm your email address for Quire");

            var verified = identity.verifyEmail(token);

            assertThat(verified.emailVerified()).isTrue();
            assertThat(identity.account(sessionOf("ada@example.com", PASSWORD), account.id().value()).emailVerified())
                    .isTrue();
            assertThatThrownBy(() -> identity.verifyEmail(token)).isInstanceOf(InvalidEmailTokenException.class);
        }

        @Test
        void aLinkExpiresAfter24Hours() {
            signUp("ada@example.com");
            String token = lastToken("verify", "ada@example.com");

            clock.advance(Duration.ofHours(24));

            assertThatThrownBy(() -> identity.verifyEmail(token)).isInstanceOf(InvalidEmailTokenException.class);
        }

        @Test
        void unknownAndMalformedTokensGetTheSameAnswer() {
            var unknown = catchThrowableOfType(InvalidEmailTokenException.class,
                    () -> identity.verifyEmail("A".repeat(43)));
            for (String token : new String[] {"", "x", "A".repeat(101), null}) {
                var other = catchThrowableOfType(InvalidEmailTokenException.class, () -> identity.verifyEmail(token));
                assertThat(other.getMessage()).isEqualTo(unknown.getMessage());
                assertThat(other.errors()).isEqualTo(unknown.errors());
            }
            assertThat(unknown.errors()).extracting(FieldError::field).containsExactly("token");
        }

        @Test
        void aResentLinkReplacesTheOldOne() {
            var account = signUp("ada@example.com");
            String first = lastToken("verify", "ada@example.com");
            var session = sessionOf("ada@example.com", PASSWORD);

            assertThat(identity.resendVerification(session)).isEqualTo("ada@example.com");
            String second = lastToken("verify", "ada@example.com");

            assertThat(second).isNotEqualTo(first);
            assertThatThrownBy(() -> identity.verifyEmail(first)).isInstanceOf(InvalidEmailTokenException.class);
            assertThat(identity.verifyEmail(second).id()).isEqualTo(account.id());
            assertThatThrownBy(() -> identity.resendVerification(session)).isInstanceOf(NothingToVerifyException.class);
        }

        @Test
        void resendingIsLimitedPerAccount() {
            signUp("ada@example.com");
            var session = sessionOf("ada@example.com", PASSWORD);
            for (int i = 0; i < MAILS_PER_HOUR; i++) {
                identity.resendVerification(session);
            }
            int mails = store.mails().size();

            var refused = catchThrowableOfType(TooManyMailsException.class, () -> identity.resendVerification(session));

            assertThat(refused.retryAfter()).hasValueSatisfying(wait -> assertThat(wait).isPositive());
            assertThat(store.mails()).hasSize(mails);
            clock.advance(Duration.ofMinutes(20));
            identity.resendVerification(session);
        }
    }

    @Nested
    class RequiredVerification {
        final IdentityService strict = service(true);

        @Test
        void aWrongPasswordIsAWrongPasswordAndARightOneIsToldToVerify() {
            strict.signUp(new NewAccount("ada@example.com", PASSWORD, "Ada"));
            int mails = store.mails().size();

            assertThatThrownBy(() -> strict.signIn(new Credentials("ada@example.com", "not the password"), ADDRESS))
                    .isInstanceOf(InvalidCredentialsException.class);
            assertThat(store.mails()).hasSize(mails);
            assertThatThrownBy(() -> strict.signIn(new Credentials("ada@example.com", PASSWORD), ADDRESS))
                    .isInstanceOf(EmailNotVerifiedException.class);

            // the refusal sent a fresh link, which the person follows
            strict.verifyEmail(lastToken("verify", "ada@example.com"));
            assertThat(strict.signIn(new Credentials("ada@example.com", PASSWORD), ADDRESS).session().account()
                    .emailVerified()).isTrue();
        }
    }

    @Nested
    class EmailChange {
        @Test
        void theNewAddressIsPendingUntilItsLinkIsFollowedAndTheOldOneIsTold() {
            var account = signUp("ada@example.com");
            identity.verifyEmail(lastToken("verify", "ada@example.com"));
            var session = sessionOf("ada@example.com", PASSWORD);

            var pending = identity.updateAccount(session,
                    new AccountUpdate(false, null, true, " Ada@New.example ", PASSWORD), ADDRESS);

            assertThat(pending.email()).isEqualTo("ada@example.com");
            assertThat(pending.emailVerified()).isTrue();
            assertThat(pending.pendingEmail()).isEqualTo("Ada@New.example");
            String token = lastToken("verify", "Ada@New.example");
            assertThat(sessionOf("ada@example.com", PASSWORD)).isNotNull();

            var changed = identity.verifyEmail(token);

            assertThat(changed.id()).isEqualTo(account.id());
            assertThat(changed.email()).isEqualTo("Ada@New.example");
            assertThat(changed.emailVerified()).isTrue();
            assertThat(changed.pendingEmail()).isNull();
            assertThat(lastMail().to()).isEqualTo("ada@example.com");
            assertThat(lastMail().text()).contains("Ada@New.example");
            assertThatThrownBy(() -> sessionOf("ada@example.com", PASSWORD))
                    .isInstanceOf(InvalidCredentialsException.class);
            assertThat(sessionOf("ada@new.example", PASSWORD).accountId()).isEqualTo(account.id());
        }

        @Test
        void theCurrentPasswordIsRequiredAndChecked() {
            signUp("ada@example.com");
            var session = sessionOf("ada@example.com", PASSWORD);
            int mails = store.mails().size();

            var missing = catchThrowableOfType(ValidationException.class, () -> identity.updateAccount(session,
                    new AccountUpdate(false, null, true, "new@example.com", null), ADDRESS));
            var wrong = catchThrowableOfType(ValidationException.class, () -> identity.updateAccount(session,
                    new AccountUpdate(true, "New name", true, "new@example.com", "not the password"), ADDRESS));

            assertThat(missing.errors()).extracting(FieldError::field).containsExactly("currentPassword");
            assertThat(wrong.errors()).extracting(FieldError::field).containsExactly("currentPassword");
            var unchanged = identity.account(session, session.accountId().value());
            assertThat(unchanged.pendingEmail()).isNull();
            assertThat(unchanged.displayName()).isEqualTo("Ada");
            assertThat(store.mails()).hasSize(mails);
        }

        @Test
        void anAddressAnotherAccountHasIsAConflict() {
            signUp("ada@example.com");
            signUp("grace@example.com");
            var session = sessionOf("ada@example.com", PASSWORD);

            assertThatThrownBy(() -> identity.updateAccount(session,
                    new AccountUpdate(false, null, true, "GRACE@example.com", PASSWORD), ADDRESS))
                    .isInstanceOf(EmailAlreadyRegisteredException.class);
        }

        @Test
        void anAddressTakenBeforeTheLinkIsFollowedIsAConflictThen() {
            signUp("ada@example.com");
            var session = sessionOf("ada@example.com", PASSWORD);
            identity.updateAccount(session, new AccountUpdate(false, null, true, "new@example.com", PASSWORD), ADDRESS);
            String token = lastToken("verify", "new@example.com");
            signUp("new@example.com");

            assertThatThrownBy(() -> identity.verifyEmail(token)).isInstanceOf(EmailAlreadyRegisteredException.class);
            assertThat(identity.account(session, session.accountId().value()).email()).isEqualTo("ada@example.com");
        }

        @Test
        void changingBackToTheCurrentAddressCallsThePendingChangeOff() {
            signUp("ada@example.com");
            var session = sessionOf("ada@example.com", PASSWORD);
            identity.updateAccount(session, new AccountUpdate(false, null, true, "new@example.com", PASSWORD), ADDRESS);
            String token = lastToken("verify", "new@example.com");

            var back = identity.updateAccount(session,
                    new AccountUpdate(false, null, true, "ADA@example.com", PASSWORD), ADDRESS);

            assertThat(back.pendingEmail()).isNull();
            assertThatThrownBy(() -> identity.verifyEmail(token)).isInstanceOf(InvalidEmailTokenException.class);
        }
    }

    @Nested
    class PasswordReset {
        @Test
        void anUnknownAddressGetsNoMailAndTheSameNothing() {
            signUp("ada@example.com");
            int mails = store.mails().size();

            identity.requestPasswordReset("nobody@example.com", ADDRESS);

            assertThat(store.mails()).hasSize(mails);
        }

        @Test
        void theLinkSetsANewPasswordOnceAndEndsEverySession() {
            signUp("ada@example.com");
            var first = sessionOf("ada@example.com", PASSWORD);
            var second = sessionOf("ada@example.com", PASSWORD);

            identity.requestPasswordReset(" ADA@example.com ", ADDRESS);
            String token = lastToken("reset", "ada@example.com");
            assertThat(lastMail().subject()).isEqualTo("Reset your Quire password");
            identity.resetPassword(token, NEW_PASSWORD);

            assertThat(identity.isLive(first)).isFalse();
            assertThat(identity.isLive(second)).isFalse();
            assertThatThrownBy(() -> sessionOf("ada@example.com", PASSWORD))
                    .isInstanceOf(InvalidCredentialsException.class);
            var session = sessionOf("ada@example.com", NEW_PASSWORD);
            // the link was mailed to the address: following it proves the address too
            assertThat(session.account().emailVerified()).isTrue();
            assertThatThrownBy(() -> identity.resetPassword(token, "yet another passphrase"))
                    .isInstanceOf(InvalidEmailTokenException.class);
        }

        @Test
        void aLinkExpiresAfter30Minutes() {
            signUp("ada@example.com");
            identity.requestPasswordReset("ada@example.com", ADDRESS);
            String token = lastToken("reset", "ada@example.com");

            clock.advance(Duration.ofMinutes(30));

            assertThatThrownBy(() -> identity.resetPassword(token, NEW_PASSWORD))
                    .isInstanceOf(InvalidEmailTokenException.class);
            assertThat(sessionOf("ada@example.com", PASSWORD)).isNotNull();
        }

        @Test
        void aNewRequestReplacesTheOldLink() {
            signUp("ada@example.com");
            identity.requestPasswordReset("ada@example.com", ADDRESS);
            String first = lastToken("reset", "ada@example.com");
            identity.requestPasswordReset("ada@example.com", ADDRESS);
            String second = lastToken("reset", "ada@example.com");

            assertThatThrownBy(() -> identity.resetPassword(first, NEW_PASSWORD))
                    .isInstanceOf(InvalidEmailTokenException.class);
            identity.resetPassword(second, NEW_PASSWORD);
        }

        @Test
        void aPasswordThatBreaksTheRulesKeepsTheLinkAlive() {
            signUp("ada@example.com");
            identity.requestPasswordReset("ada@example.com", ADDRESS);
            String token = lastToken("reset", "ada@example.com");

            var weak = catchThrowableOfType(ValidationException.class, () -> identity.resetPassword(token, "password1"));
            var missing = catchThrowableOfType(ValidationException.class, () -> identity.resetPassword(token, null));

            assertThat(weak.errors()).extracting(FieldError::field).containsExactly("password");
            assertThat(missing.errors()).extracting(FieldError::field).containsExactly("password");
            identity.resetPassword(token, NEW_PASSWORD);
        }

        @Test
        void aVerificationTokenIsNoResetTokenNorTheOtherWayRound() {
            signUp("ada@example.com");
            String verification = lastToken("verify", "ada@example.com");
            identity.requestPasswordReset("ada@example.com", ADDRESS);
            String reset = lastToken("reset", "ada@example.com");

            assertThatThrownBy(() -> identity.resetPassword(verification, NEW_PASSWORD))
                    .isInstanceOf(InvalidEmailTokenException.class);
            assertThatThrownBy(() -> identity.verifyEmail(reset)).isInstanceOf(InvalidEmailTokenException.class);
        }

        @Test
        void requestsAreLimitedPerEmailAndPerClientAddress() {
            signUp("ada@example.com");
            for (int i = 0; i < MAILS_PER_HOUR; i++) {
                identity.requestPasswordReset("ada@example.com", "192.0.2." + (10 + i));
            }
            assertThatThrownBy(() -> identity.requestPasswordReset("ADA@example.com", "192.0.2.99"))
                    .isInstanceOf(TooManyMailsException.class);
            for (int i = 0; i < MAILS_PER_HOUR; i++) {
                identity.requestPasswordReset("nobody" + i + "@example.com", "198.51.100.7");
            }
            // unknown addresses count alike: the limit tells nothing about which exist
            assertThatThrownBy(() -> identity.requestPasswordReset("other@example.com", "198.51.100.7"))
                    .isInstanceOf(TooManyMailsException.class);
        }

        @Test
        void anAddressThatIsNoAddressIsA422() {
            for (String email : new String[] {null, "", "no-at-sign", "a".repeat(250) + "@x.io"}) {
                var refused = catchThrowableOfType(ValidationException.class,
                        () -> identity.requestPasswordReset(email, ADDRESS));
                assertThat(refused.errors()).extracting(FieldError::field).containsExactly("email");
            }
        }
    }
}
