package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.identity.IdentitySettings.HashCost;
import dev.quire.limits.InMemoryBucketStore;
import dev.quire.shared.ValidationException;
import dev.quire.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions as their holder sees them and API keys, on the real service with an in-memory store (that counts its
 * "last used" writes) and a clock the tests move.
 */
class SessionsAndKeysServiceTest {
    static final String PASSWORD = "correct horse battery staple";

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final AtomicInteger sessionWrites = new AtomicInteger();
    final AtomicInteger keyWrites = new AtomicInteger();
    IdentityService identity;

    @BeforeEach
    void createService() {
        var store = new InMemoryIdentityStore() {
            @Override
            public synchronized boolean touchSession(SessionId id, Instant now, Instant staleBefore) {
                boolean wrote = super.touchSession(id, now, staleBefore);
                sessionWrites.addAndGet(wrote ? 1 : 0);
                return wrote;
            }

            @Override
            public synchronized boolean touchApiKey(ApiKeyId id, Instant now, Instant staleBefore) {
                boolean wrote = super.touchApiKey(id, now, staleBefore);
                keyWrites.addAndGet(wrote ? 1 : 0);
                return wrote;
            }
        };
        identity = new IdentityService(store, new PasswordHasher(new HashCost(1024, 1, 1), 2, Duration.ofSeconds(5)),
                PasswordPolicy.withBundledList(), new SignInThrottle(new InMemoryBucketStore(clock), 100), clock,
                Duration.ofHours(12));
    }

    StartedSession newAccount(String email) {
        identity.signUp(new NewAccount(email, PASSWORD, "Someone"));
        return identity.signIn(new Credentials(email, PASSWORD), "192.0.2.1", "Test/1");
    }

    @Test
    void lastUseIsWrittenOnlyWhenAMinuteHasPassedSinceTheLastWrite() {
        var started = newAccount("busy@example.com");
        for (int i = 0; i < 60; i++) {
            identity.authenticate(started.token());
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(sessionWrites).as("60 requests in the first minute").hasValue(0);

        clock.advance(Duration.ofSeconds(1));
        identity.authenticate(started.token());
        identity.authenticate(started.token());
        assertThat(sessionWrites).as("the first request past the minute writes, the next does not").hasValue(1);
        var listed = identity.sessions(started.session());
        assertThat(listed.get(0).lastUsedAt()).isEqualTo(clock.instant());
    }

    @Test
    void theListMarksTheCallersSessionAndKeepsAUserAgentShortAndPrintable() {
        var first = newAccount("lister@example.com");
        var second = identity.signIn(new Credentials("lister@example.com", PASSWORD), "2001:db8::1",
                "Agent\u0007/" + "x".repeat(500));

        List<SessionDetails> listed = identity.sessions(second.session());

        assertThat(listed).extracting(SessionDetails::current).containsExactlyInAnyOrder(true, false);
        var mine = listed.stream().filter(SessionDetails::current).findFirst().orElseThrow();
        assertThat(mine.id()).isEqualTo(second.session().id().value());
        assertThat(mine.clientAddress()).isEqualTo("2001:db8::1");
        assertThat(mine.userAgent()).startsWith("Agent?/").hasSize(IdentityService.MAX_USER_AGENT_LENGTH);
        assertThat(identity.sessions(first.session())).hasSize(2);
    }

    @Test
    void aKeyAuthenticatesWithItsScopesUntilItExpiresAndWritesItsLastUseOnceAMinute() {
        var owner = newAccount("keys@example.com");
        var created = identity.createApiKey(owner.session(), new NewApiKey(" reader ",
                List.of("todos:read", "todos:read"), clock.instant().plus(Duration.ofHours(1)).toString()));

        assertThat(created.secret()).startsWith(IdentityService.KEY_PREFIX);
        assertThat(created.key().name()).isEqualTo("reader");
        assertThat(created.key().scopes()).containsExactly(ApiScope.TODOS_READ);
        var caller = (ApiKeyPrincipal) identity.authenticate(created.secret());
        assertThat(caller.accountId()).isEqualTo(owner.session().accountId());
        assertThat(caller.has(ApiScope.TODOS_READ)).isTrue();
        assertThat(caller.has(ApiScope.TODOS_WRITE)).isFalse();
        identity.authenticate(created.secret());
        assertThat(keyWrites).as("the first use writes; the second, within the minute, does not").hasValue(1);
        assertThat(identity.isLive(caller)).isTrue();

        clock.advance(Duration.ofHours(1));

        assertThatThrownBy(() -> identity.authenticate(created.secret())).isInstanceOf(InvalidTokenException.class);
        assertThat(identity.isLive(caller)).as("a stream of an expired key ends").isFalse();
        assertThat(identity.apiKeys(owner.session())).hasSize(1);
    }

    @Test
    void aRevokedKeyOrOneNeverMadeProvesNothing() {
        var owner = newAccount("revoke@example.com");
        var other = newAccount("other@example.com");
        var created = identity.createApiKey(owner.session(), new NewApiKey("k", List.of("account:read"), null));
        var caller = identity.authenticate(created.secret());

        assertThatThrownBy(() -> identity.revokeApiKey(other.session(), created.key().id()))
                .isInstanceOf(ApiKeyNotFoundException.class);
        identity.revokeApiKey(owner.session(), created.key().id());

        assertThatThrownBy(() -> identity.authenticate(created.secret())).isInstanceOf(InvalidTokenException.class);
        assertThat(identity.isLive(caller)).isFalse();
        assertThatThrownBy(() -> identity.authenticate(IdentityService.KEY_PREFIX + "x"))
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> identity.authenticate(created.secret() + "x"))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aKeyRequestWithEveryMistakeNamesEachField() {
        var owner = newAccount("mistakes@example.com");
        var error = (ValidationException) org.assertj.core.api.Assertions.catchThrowable(() -> identity.createApiKey(
                owner.session(), new NewApiKey("", List.of("todos:read", "nope"), "2020-01-01T00:00:00Z")));

        assertThat(error.errors()).extracting(dev.quire.shared.FieldError::field)
                .containsExactly("name", "scopes", "expiresAt");
        assertThat(error.errors().get(1).message()).contains("\"nope\"");
        assertThat(identity.apiKeys(owner.session())).isEmpty();
    }

    @Test
    void endingSessionsById() {
        var mine = newAccount("ender@example.com");
        var second = identity.signIn(new Credentials("ender@example.com", PASSWORD), "192.0.2.1", null);
        var stranger = newAccount("stranger@example.com");

        assertThatThrownBy(() -> identity.endSession(stranger.session(), second.session().id().value()))
                .isInstanceOf(SessionNotFoundException.class);
        assertThatThrownBy(() -> identity.endSession(mine.session(), "nonsense"))
                .isInstanceOf(SessionNotFoundException.class);
        identity.endSession(mine.session(), second.session().id().value());
        assertThat(identity.isLive(second.session())).isFalse();
        assertThat(identity.signOutEverywhereElse(mine.session())).isZero();
        assertThat(identity.isLive(mine.session())).isTrue();
    }
}
