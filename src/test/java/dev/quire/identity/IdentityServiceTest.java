package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.quire.identity.IdentitySettings.HashCost;
import dev.quire.identity.IdentityStore.AccountRecord;
import dev.quire.limits.InMemoryBucketStore;
import dev.quire.shared.FieldError;
import dev.quire.shared.ValidationException;
import dev.quire.support.Concurrently;
import dev.quire.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The identity rules, on the real service with an in-memory store and a clock the tests move. */
class IdentityServiceTest {
    static final String PASSWORD = "correct horse battery staple";
    static final String ADDRESS = "192.0.2.1";
    static final Duration TTL = Duration.ofHours(12);
    static final int FAILED_SIGN_INS = 3;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    InMemoryIdentityStore store;
    IdentityService identity;

    @BeforeEach
    void createService() {
        store = new InMemoryIdentityStore();
        identity = new IdentityService(store, new PasswordHasher(new HashCost(1024, 1, 1), 2, Duration.ofSeconds(5)),
                PasswordPolicy.withBundledList(), throttle(FAILED_SIGN_INS), clock, TTL);
    }

    /** The failed-sign-in limit in memory, refilled on the test's clock. */
    SignInThrottle throttle(int perMinute) {
        return new SignInThrottle(new InMemoryBucketStore(clock), perMinute);
    }

    Account signUp(String email) {
        return identity.signUp(new NewAccount(email, PASSWORD, "Ada Lovelace"));
    }

    StartedSession signIn(String email, String password) {
        return identity.signIn(new Credentials(email, password), ADDRESS);
    }

    static List<FieldError> errorsOf(Runnable action) {
        return catchThrowableOfType(ValidationException.class, action::run).errors();
    }

    @Nested
    class SigningUp {
        @Test
        void returnsTheAccountUnderATimeOrderedPrefixedId() {
            var account = identity.signUp(new NewAccount("  Ada@Example.com ", PASSWORD, "  Ada  "));

            assertThat(account.id().value()).startsWith("acct_").hasSize(31);
            assertThat(account.email()).isEqualTo("Ada@Example.com");
            assertThat(account.displayName()).isEqualTo("Ada");
            assertThat(account.createdAt()).isEqualTo(clock.instant());
            clock.advance(Duration.ofMillis(5));
            assertThat(signUp("second@example.com").id().value()).isGreaterThan(account.id().value());
        }

        @Test
        void anEmailIsTakenWhateverItsCase() {
            signUp("ada@example.com");

            assertThatThrownBy(() -> signUp(" ADA@Example.COM")).isInstanceOf(EmailAlreadyRegisteredException.class);
        }

        @Test
        void thePasswordIsStoredOnlyAsAnArgon2idHash() {
            var account = signUp("ada@example.com");

            String hash = store.findAccount(account.id()).orElseThrow().passwordHash();
            assertThat(hash).startsWith("$argon2id$v=19$").doesNotContain(PASSWORD);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1234567", "x"})
        void aPasswordUnderEightCharactersIsRefused(String password) {
            assertThat(errorsOf(() -> identity.signUp(new NewAccount("a@example.com", password, "A"))))
                    .containsExactly(new FieldError("password", "must be at least 8 characters"));
        }

        @Test
        void aPasswordIsMeasuredInCharactersNotBytes() {
            // eight emoji are eight characters (sixteen UTF-16 units, thirty-two bytes)
            identity.signUp(new NewAccount("emoji@example.com", "🔑🔐🔒🔓".repeat(2), "E"));
            assertThat(errorsOf(() -> identity.signUp(new NewAccount("e2@example.com", "🔑".repeat(7), "E"))))
                    .extracting(FieldError::field).containsExactly("password");
        }

        @Test
        void eightAndOneHundredTwentyEightCharactersAreAcceptedButNotOneHundredTwentyNine() {
            identity.signUp(new NewAccount("eight@example.com", "q8#kWz!p", "E"));
            identity.signUp(new NewAccount("long@example.com", "k".repeat(120) + "q8#kWz!p", "L"));

            assertThat(errorsOf(() -> identity.signUp(new NewAccount("over@example.com", "k".repeat(129), "O"))))
                    .containsExactly(new FieldError("password", "must be at most 128 characters"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"password1", "PassWord1", "iloveyou", "qwertyuiop", "1qaz2wsx"})
        void aCommonPasswordIsRefusedWhateverItsCase(String password) {
            assertThat(errorsOf(() -> identity.signUp(new NewAccount("a@example.com", password, "A"))))
                    .singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("password");
                        assertThat(error.message()).contains("commonly used");
                    });
        }

        @ParameterizedTest
        @ValueSource(strings = {"ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM", "ada.lovelace"})
        void thePasswordMayNotBeTheEmailAddress(String password) {
            assertThat(errorsOf(() -> identity.signUp(new NewAccount("Ada.Lovelace@example.com", password, "A"))))
                    .containsExactly(new FieldError("password", "must not be your email address"));
        }

        @Test
        void noCompositionRulesApply() {
            identity.signUp(new NewAccount("a@example.com", "all lower case words here", "A"));
            identity.signUp(new NewAccount("b@example.com", "1029384756019283", "B"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "no-at-sign", "two@@example.com", "a@b@example.com", "@example.com", "ada@",
            "ada lovelace@example.com", "tab\t@example.com", "nul\u0000@example.com"})
        void aMalformedEmailIsRefused(String email) {
            assertThat(errorsOf(() -> identity.signUp(new NewAccount(email, PASSWORD, "A"))))
                    .extracting(FieldError::field).containsExactly("email");
        }

        @Test
        void anEmailOver254CharactersIsRefused() {
            String email = "a".repeat(243) + "@example.com";
            assertThat(errorsOf(() -> identity.signUp(new NewAccount(email, PASSWORD, "A"))))
                    .containsExactly(new FieldError("email", "must be at most 254 characters"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "be\u0007ll", "nul\u0000byte", "\ud800 lone surrogate", "line\nbreak"})
        void aBlankOrUnsafeDisplayNameIsRefused(String name) {
            assertThat(errorsOf(() -> identity.signUp(new NewAccount("a@example.com", PASSWORD, name))))
                    .extracting(FieldError::field).containsExactly("displayName");
        }

        @Test
        void aDisplayNameHasAtMostOneHundredCharactersAfterTrimming() {
            identity.signUp(new NewAccount("a@example.com", PASSWORD, "  " + "é".repeat(100) + "  "));
            assertThat(errorsOf(() -> identity.signUp(new NewAccount("b@example.com", PASSWORD, "é".repeat(101)))))
                    .extracting(FieldError::field).containsExactly("displayName");
        }

        @Test
        void everyBrokenRuleIsReportedAtOnce() {
            assertThat(errorsOf(() -> identity.signUp(new NewAccount(null, "short", null))))
                    .extracting(FieldError::field).containsExactlyInAnyOrder("email", "password", "displayName");
        }
    }

    @Nested
    class SigningIn {
        @Test
        void startsASessionWithAnOpaqueTokenOfAtLeast256Bits() {
            var account = signUp("ada@example.com");

            var started = signIn("  ADA@example.com ", PASSWORD);

            var session = started.session();
            assertThat(session.id().value()).startsWith("ses_");
            assertThat(session.accountId()).isEqualTo(account.id());
            assertThat(session.createdAt()).isEqualTo(clock.instant());
            assertThat(session.expiresAt()).isEqualTo(clock.instant().plus(TTL));
            String secret = started.token().substring(started.token().lastIndexOf('.') + 1);
            assertThat(Base64.getUrlDecoder().decode(secret)).hasSizeGreaterThanOrEqualTo(32);
        }

        @Test
        void theStoreKeepsOnlyAHashOfTheToken() {
            signUp("ada@example.com");
            var started = signIn("ada@example.com", PASSWORD);

            var stored = store.findSession(started.session().id()).orElseThrow();
            String secret = started.token().substring(started.token().lastIndexOf('.') + 1);
            assertThat(stored.secretHash()).hasSize(64).isNotEqualTo(secret).doesNotContain(secret);
        }

        @Test
        void anUnknownEmailAndAWrongPasswordAreRefusedAlike() {
            signUp("ada@example.com");

            var unknown = catchThrowableOfType(InvalidCredentialsException.class,
                    () -> signIn("nobody@example.com", PASSWORD));
            var wrong = catchThrowableOfType(InvalidCredentialsException.class,
                    () -> signIn("ada@example.com", PASSWORD + "!"));

            assertThat(unknown.getMessage()).isEqualTo(wrong.getMessage());
            assertThat(unknown.kind()).isEqualTo(wrong.kind());
        }

        @Test
        void missingCredentialsNameTheirFields() {
            assertThat(errorsOf(() -> identity.signIn(new Credentials(null, null), ADDRESS)))
                    .extracting(FieldError::field).containsExactly("email", "password");
        }

        @Test
        void failedSignInsForOneEmailAreLimitedEvenWithTheRightPasswordAfterwards() {
            signUp("ada@example.com");
            for (int i = 0; i < FAILED_SIGN_INS; i++) {
                String address = "192.0.2." + (10 + i);
                assertThatThrownBy(() -> identity.signIn(new Credentials("ada@example.com", "wrong-password"), address))
                        .isInstanceOf(InvalidCredentialsException.class);
            }

            var refused = catchThrowableOfType(TooManySignInAttemptsException.class,
                    () -> identity.signIn(new Credentials("ada@example.com", PASSWORD), "192.0.2.99"));

            assertThat(refused.retryAfter()).hasValueSatisfying(wait -> assertThat(wait)
                    .isBetween(Duration.ofSeconds(1), Duration.ofMinutes(1)));
            clock.advance(Duration.ofMinutes(1));
            assertThat(identity.signIn(new Credentials("ada@example.com", PASSWORD), "192.0.2.99")).isNotNull();
        }

        @Test
        void failedSignInsFromOneAddressAreLimitedAcrossEmails() {
            for (int i = 0; i < FAILED_SIGN_INS; i++) {
                String email = "nobody" + i + "@example.com";
                assertThatThrownBy(() -> signIn(email, PASSWORD)).isInstanceOf(InvalidCredentialsException.class);
            }
            signUp("ada@example.com");

            assertThatThrownBy(() -> signIn("ada@example.com", PASSWORD))
                    .isInstanceOf(TooManySignInAttemptsException.class);
            assertThat(identity.signIn(new Credentials("ada@example.com", PASSWORD), "198.51.100.7")).isNotNull();
        }

        @Test
        void signInsThatSucceedAreNeverRefusedForArrivingTogether() throws Exception {
            signUp("ada@example.com");

            var results = Concurrently.run(20, i -> {
                try {
                    return identity.signIn(new Credentials("ada@example.com", PASSWORD), ADDRESS) != null;
                } catch (TooManySignInAttemptsException refused) {
                    return false;
                }
            });

            assertThat(results).containsOnly(true);
        }

        @Test
        void guessesArrivingTogetherAreHeldToTheLimit() throws Exception {
            signUp("ada@example.com");

            var outcomes = Concurrently.run(20, i -> {
                try {
                    identity.signIn(new Credentials("ada@example.com", "wrong guess " + i), ADDRESS);
                    return "signed in";
                } catch (InvalidCredentialsException wrong) {
                    return "checked";
                } catch (TooManySignInAttemptsException refused) {
                    return "refused";
                }
            });

            assertThat(outcomes.stream().filter("checked"::equals).count()).isEqualTo(FAILED_SIGN_INS);
            assertThat(outcomes).doesNotContain("signed in");
            assertThatThrownBy(() -> signIn("ada@example.com", PASSWORD))
                    .isInstanceOf(TooManySignInAttemptsException.class);
        }

        @Test
        void anAddressOrPasswordTooLongForAnyAccountIsRefusedBeforeAnyWork() {
            var errors = errorsOf(() -> identity.signIn(new Credentials("a".repeat(250) + "@example.com",
                    "p".repeat(129)), ADDRESS));

            assertThat(errors).extracting(FieldError::field).containsExactly("email", "password");
            // nothing was counted against the limit
            signUp("ada@example.com");
            for (int i = 0; i < FAILED_SIGN_INS; i++) {
                assertThatThrownBy(() -> signIn("ada@example.com", "wrong-password"))
                        .isInstanceOf(InvalidCredentialsException.class);
            }
        }

        @Test
        void aSignInThatFailsForAnotherReasonDoesNotCount() {
            var failing = new InMemoryIdentityStore() {
                boolean down = true;

                @Override
                public java.util.Optional<AccountRecord> findAccountByEmailKey(String emailKey) {
                    if (down) {
                        throw new dev.quire.shared.UnavailableException("database down", Duration.ofSeconds(2));
                    }
                    return super.findAccountByEmailKey(emailKey);
                }
            };
            var service = new IdentityService(failing, new PasswordHasher(new HashCost(1024, 1, 1), 2,
                    Duration.ofSeconds(5)), PasswordPolicy.withBundledList(), throttle(FAILED_SIGN_INS), clock,
                    TTL);
            for (int i = 0; i < FAILED_SIGN_INS * 2; i++) {
                assertThatThrownBy(() -> service.signIn(new Credentials("ada@example.com", PASSWORD), ADDRESS))
                        .isInstanceOf(dev.quire.shared.UnavailableException.class);
            }
            failing.down = false;
            service.signUp(new NewAccount("ada@example.com", PASSWORD, "Ada"));

            assertThat(service.signIn(new Credentials("ada@example.com", PASSWORD), ADDRESS)).isNotNull();
        }

        @Test
        void aSignInThatRacesAPasswordChangeLeavesNoSessionMadeWithTheOldPassword() {
            var racing = new InMemoryIdentityStore() {
                Runnable beforeNextLookupReturns = () -> { };

                @Override
                public java.util.Optional<AccountRecord> findAccountByEmailKey(String emailKey) {
                    var found = super.findAccountByEmailKey(emailKey);
                    beforeNextLookupReturns.run();
                    beforeNextLookupReturns = () -> { };
                    return found;
                }
            };
            var service = new IdentityService(racing, new PasswordHasher(new HashCost(1024, 1, 1), 2,
                    Duration.ofSeconds(5)), PasswordPolicy.withBundledList(), throttle(100), clock, TTL);
            service.signUp(new NewAccount("ada@example.com", PASSWORD, "Ada"));
            var owner = service.signIn(new Credentials("ada@example.com", PASSWORD), ADDRESS).session();
            // the sign-in reads the old hash, then the owner's password change commits, then the sign-in goes on
            racing.beforeNextLookupReturns = () -> service.changePassword(owner, PASSWORD, "a brand new passphrase",
                    ADDRESS);

            assertThatThrownBy(() -> service.signIn(new Credentials("ada@example.com", PASSWORD), "203.0.113.9"))
                    .isInstanceOf(InvalidCredentialsException.class);
            assertThat(service.signIn(new Credentials("ada@example.com", "a brand new passphrase"), ADDRESS))
                    .isNotNull();
        }

        @Test
        void successfulSignInsDoNotCountAgainstTheLimit() {
            signUp("ada@example.com");
            for (int i = 0; i < 10; i++) {
                signIn("ada@example.com", PASSWORD);
            }
            for (int i = 0; i < FAILED_SIGN_INS; i++) {
                assertThatThrownBy(() -> signIn("ada@example.com", "wrong-password"))
                        .isInstanceOf(InvalidCredentialsException.class);
            }
        }
    }

    @Nested
    class Sessions {
        Account account;
        StartedSession started;

        @BeforeEach
        void signedIn() {
            account = signUp("ada@example.com");
            started = signIn("ada@example.com", PASSWORD);
        }

        @Test
        void theTokenProvesTheSession() {
            var session = identity.verify(started.token());

            assertThat(session).isEqualTo(started.session());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", ".", "garbage", "ses_.abc", "ses_ABC.def", "acct_01JD3Q9Z8K4M2N6P7R8S9T0V1W.x"})
        void aMalformedTokenIsRefused(String token) {
            assertThatThrownBy(() -> identity.verify(token)).isInstanceOf(InvalidTokenException.class);
        }

        @Test
        void aTamperedTokenIsRefused() {
            String token = started.token();
            char last = token.charAt(token.length() - 1);
            String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

            assertThatThrownBy(() -> identity.verify(tampered)).isInstanceOf(InvalidTokenException.class);
            assertThatThrownBy(() -> identity.verify(started.session().id().value() + ".")).isInstanceOf(
                    InvalidTokenException.class);
        }

        @Test
        void aSessionExpiresAfterItsTtlAndIsThenForgotten() {
            clock.advance(TTL.minusMillis(1));
            assertThat(identity.verify(started.token())).isNotNull();

            clock.advance(Duration.ofMillis(1));
            assertThatThrownBy(() -> identity.verify(started.token())).isInstanceOf(InvalidTokenException.class);
            assertThat(store.findSession(started.session().id())).isEmpty();
        }

        @Test
        void signingOutKillsThatTokenOnly() {
            var other = signIn("ada@example.com", PASSWORD);

            identity.signOut(started.session());

            assertThatThrownBy(() -> identity.verify(started.token())).isInstanceOf(InvalidTokenException.class);
            assertThat(identity.verify(other.token())).isNotNull();
        }

        @Test
        void signingOutEverywhereKillsEveryTokenOfTheAccount() {
            var other = signIn("ada@example.com", PASSWORD);
            signUp("grace@example.com");
            var someoneElse = signIn("grace@example.com", PASSWORD);

            identity.signOutEverywhere(account.id());

            assertThatThrownBy(() -> identity.verify(started.token())).isInstanceOf(InvalidTokenException.class);
            assertThatThrownBy(() -> identity.verify(other.token())).isInstanceOf(InvalidTokenException.class);
            assertThat(identity.verify(someoneElse.token())).isNotNull();
        }

        @Test
        void anAccountIsShownOnlyToItsHolder() {
            signUp("grace@example.com");
            var grace = signIn("grace@example.com", PASSWORD).session();

            assertThat(identity.account(started.session(), account.id().value())).isEqualTo(account);
            assertThatThrownBy(() -> identity.account(grace, account.id().value()))
                    .isInstanceOf(AccountNotFoundException.class);
            assertThatThrownBy(() -> identity.account(started.session(), "acct_nope"))
                    .isInstanceOf(AccountNotFoundException.class);
        }

        @Test
        void renamingTrimsAndChecksTheName() {
            assertThat(identity.rename(started.session(), "  Countess  ").displayName()).isEqualTo("Countess");
            assertThat(errorsOf(() -> identity.rename(started.session(), " "))).extracting(FieldError::field)
                    .containsExactly("displayName");
        }

        @Test
        void changingThePasswordEndsEveryOtherSessionButNotThisOne() {
            var other = signIn("ada@example.com", PASSWORD);
            String next = "a different long passphrase";

            identity.changePassword(started.session(), PASSWORD, next, ADDRESS);

            assertThat(identity.verify(started.token())).isNotNull();
            assertThatThrownBy(() -> identity.verify(other.token())).isInstanceOf(InvalidTokenException.class);
            assertThatThrownBy(() -> signIn("ada@example.com", PASSWORD)).isInstanceOf(InvalidCredentialsException.class);
            assertThat(signIn("ada@example.com", next)).isNotNull();
        }

        @Test
        void aWrongCurrentPasswordChangesNothing() {
            assertThat(errorsOf(() -> identity.changePassword(started.session(), "not it at all", "another passphrase",
                    ADDRESS))).containsExactly(new FieldError("currentPassword", "is not this account's password"));
            assertThat(signIn("ada@example.com", PASSWORD)).isNotNull();
        }

        @Test
        void wrongCurrentPasswordsCountAsFailedSignIns() {
            for (int i = 0; i < FAILED_SIGN_INS; i++) {
                assertThatThrownBy(() -> identity.changePassword(started.session(), "guess", "another passphrase",
                        ADDRESS)).isInstanceOf(ValidationException.class);
            }

            assertThatThrownBy(() -> identity.changePassword(started.session(), PASSWORD, "another passphrase",
                    ADDRESS)).isInstanceOf(TooManySignInAttemptsException.class);
        }

        @Test
        void theNewPasswordFollowsTheSameRules() {
            assertThat(errorsOf(() -> identity.changePassword(started.session(), PASSWORD, "password1", ADDRESS)))
                    .extracting(FieldError::field).containsExactly("newPassword");
            assertThat(errorsOf(() -> identity.changePassword(started.session(), null, null, ADDRESS)))
                    .extracting(FieldError::field).containsExactly("currentPassword", "newPassword");
        }
    }
}
