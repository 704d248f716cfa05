package dev.quire.identity;

import dev.quire.db.Jdbc;
import dev.quire.identity.IdentityStore.AccountRecord;
import dev.quire.identity.IdentityStore.EmailTokenRecord;
import dev.quire.identity.IdentityStore.ApiKeyRecord;
import dev.quire.identity.IdentityStore.NewApiKeyRecord;
import dev.quire.identity.IdentityStore.NewAccountRecord;
import dev.quire.identity.IdentityStore.NewSessionRecord;
import dev.quire.identity.IdentityStore.SessionWithAccountRecord;
import dev.quire.identity.IdentityStore.TokenPurpose;
import dev.quire.limits.BucketStore;
import dev.quire.limits.InMemoryBucketStore;
import dev.quire.limits.TokenBuckets;
import dev.quire.mail.MailOutbox;
import dev.quire.shared.FieldError;
import dev.quire.shared.Ids;
import dev.quire.shared.Text;
import dev.quire.shared.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity rules: who may have an account, how a password is chosen and checked, how sessions start,
 * prove themselves and end. The only door into identity; it never sees HTTP.
 */
public final class IdentityService implements AutoCloseable {
    static final int MAX_EMAIL_LENGTH = 254;
    /** Longer than any token this service makes (43 characters): refused without hashing whatever was sent. */
    /** The latest expiry a key may be given (RFC 3339 has four-digit years); a key without one lasts until revoked. */
    private static final Instant LATEST_KEY_EXPIRY = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final int MAX_TOKEN_LENGTH = 100;
    private static final Duration MAIL_LIMIT_WINDOW = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(IdentityService.class);
    static final int MAX_DISPLAY_NAME_LENGTH = 100;
    private static final int TOKEN_SECRET_BYTES = 32;
    /** How often, at most, sign-ins sweep out every account's expired sessions. */
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
    /**
     * How stale a session's or key's "last used" may get: it is written when a request finds it older than this, so a
     * busy session costs one write a minute, not one a request.
     */
    static final Duration LAST_USED_EVERY = Duration.ofMinutes(1);
    /** What every API key starts with, so that secret scanners (and people) recognise a leaked one. */
    public static final String KEY_PREFIX = "quire_pat_";
    /** 320 random bits; the listed prefix shows 36 of them, leaving 284 unknown. */
    private static final int KEY_SECRET_BYTES = 40;
    private static final int KEY_SECRET_SHOWN = 6;
    static final int MAX_KEY_NAME_LENGTH = 100;
    /** A User-Agent is kept to this many characters: enough to recognise a browser, not a place to store a novel. */
    static final int MAX_USER_AGENT_LENGTH = 256;
    private static final int MAX_CLIENT_ADDRESS_LENGTH = 100;

    private final IdentityStore store;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SignInThrottle throttle;
    private final Clock clock;
    private final Duration sessionTtl;
    private final SecureRandom random = new SecureRandom();
    private static final String API_KEY_REFUSED = "The API key is unknown, expired or revoked.";
    private final AtomicLong nextPurgeMillis = new AtomicLong();
    private final AccountMails mails;
    /** Mails asked for per hour: per account (verification), per email and per client address (reset). */
    private final TokenBuckets mailLimit;
    private final boolean requireVerifiedEmail;
    /** Where a reset request's lookup and mail happen, after the answer: see {@link #requestPasswordReset}. */
    private final Executor background;

    IdentityService(IdentityStore store, PasswordHasher hasher, PasswordPolicy policy, SignInThrottle throttle,
            Clock clock, Duration sessionTtl) {
        this(store, hasher, policy, throttle, clock, sessionTtl, new AccountMails(path -> "http://quire.test" + path),
                new InMemoryBucketStore(clock).buckets("mail", 1000, MAIL_LIMIT_WINDOW), false, Runnable::run);
    }

    IdentityService(IdentityStore store, PasswordHasher hasher, PasswordPolicy policy, SignInThrottle throttle,
            Clock clock, Duration sessionTtl, AccountMails mails, TokenBuckets mailLimit,
            boolean requireVerifiedEmail, Executor background) {
        this.store = store;
        this.hasher = hasher;
        this.policy = policy;
        this.throttle = throttle;
        this.clock = clock;
        this.sessionTtl = sessionTtl;
        this.mails = mails;
        this.mailLimit = mailLimit;
        this.requireVerifiedEmail = requireVerifiedEmail;
        this.background = background;
    }

    /**
     * @param limits where the failed-sign-in and mail limits keep their buckets (see {@link SignInThrottle})
     * @param outbox where mails are queued, in the transaction of the change that causes them
     * @param links the absolute URL of a path of the page, for the links in mails
     */
    public static IdentityService withJdbc(Jdbc jdbc, IdentitySettings settings, BucketStore limits,
            MailOutbox outbox, UnaryOperator<String> links) {
        // reset requests are limited per address and email before they get here; a flood past the queue loses only
        // mails nobody can tell apart from the ones not sent to unknown addresses
        var background = new AfterTheAnswer("quire-password-resets", 1000);
        return new IdentityService(new JdbcIdentityStore(jdbc, outbox),
                PasswordHasher.forThisMachine(settings.hashCost()), PasswordPolicy.withBundledList(),
                new SignInThrottle(limits, settings.failedSignInsPerMinute()), Clock.systemUTC(),
                settings.sessionTtl(), new AccountMails(links),
                limits.buckets("mail", settings.mailsPerHour(), MAIL_LIMIT_WINDOW), settings.requireVerifiedEmail(),
                background);
    }

    /** Finishes the reset requests already answered (for a few seconds at most), then stops. */
    @Override
    public void close() {
        if (background instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("Could not finish the waiting password resets", e);
            }
        }
    }

    /**
     * Creates an account. Every broken rule is reported at once.
     *
     * @throws ValidationException naming each invalid field
     * @throws EmailAlreadyRegisteredException when the email (ignoring case) has an account
     */
    public Account signUp(NewAccount input) {
        var errors = new ArrayList<FieldError>();
        String email = email(input.email(), errors);
        String displayName = displayName(input.displayName(), errors);
        String password = newPassword("password", input.password(), email, errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        String emailKey = emailKey(email);
        // the common case of a taken address is answered before paying for a hash; the unique index decides races
        if (store.findAccountByEmailKey(emailKey).isPresent()) {
            throw new EmailAlreadyRegisteredException();
        }
        Instant now = now();
        var id = new AccountId(Ids.timeOrdered(AccountId.PREFIX, now.toEpochMilli()));
        String token = newTokenText();
        return account(store.insertAccount(
                new NewAccountRecord(id, email, emailKey, hasher.hash(password), displayName, now),
                tokenRecord(token, id, TokenPurpose.VERIFY, email, now), mails.verification(email, token, false)));
    }

    /**
     * Signs in: checks the password and starts a session. An unknown email costs the same password check as
     * a wrong password, and gets the same answer.
     *
     * @throws TooManySignInAttemptsException when this email or address has used up its failed attempts
     * @throws InvalidCredentialsException for an unknown email or a wrong password alike
     * @throws EmailNotVerifiedException when the server requires verified emails and the password was right for an
     *     account whose email is not (a new verification mail is sent, within the mail limit)
     */
    public StartedSession signIn(Credentials credentials, String clientAddress) {
        return signIn(credentials, clientAddress, null);
    }

    /**
     * Signs in, recording where from: the client address and User-Agent (bounded, control characters replaced) are
     * shown in the account's list of sessions.
     *
     * @see #signIn(Credentials, String)
     */
    public StartedSession signIn(Credentials credentials, String clientAddress, String userAgent) {
        var errors = new ArrayList<FieldError>();
        // no address or password that long can belong to an account: refused before any work or state
        if (required("email", credentials.email(), errors) && Text.length(Text.strip(credentials.email())) > MAX_EMAIL_LENGTH) {
            errors.add(new FieldError("email", "must be at most " + MAX_EMAIL_LENGTH + " characters"));
        }
        if (required("password", credentials.password(), errors)
                && Text.length(credentials.password()) > PasswordPolicy.MAX_LENGTH) {
            errors.add(new FieldError("password", "must be at most " + PasswordPolicy.MAX_LENGTH + " characters"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        String emailKey = emailKey(Text.strip(credentials.email()));
        String password = PasswordPolicy.normalize(credentials.password());
        throttle.check(emailKey, clientAddress);
        var account = store.findAccountByEmailKey(emailKey);
        boolean matches = checkPassword(emailKey, clientAddress, password,
                account.map(AccountRecord::passwordHash).orElse(null));
        // only after the password check: without the password, nobody learns whether an account is verified
        if (matches && requireVerifiedEmail && account.get().emailVerifiedAt() == null) {
            resendIfAllowed(account.get());
            throw new EmailNotVerifiedException();
        }
        // a password change that committed after the check above leaves no session behind
        var started = matches ? startSession(account.get(), clientAddress, userAgent) : null;
        if (started == null) {
            throw new InvalidCredentialsException();
        }
        return started;
    }

    /**
     * One attempt against the failed-sign-in limits: checks {@code password} against {@code hash} ({@code null}:
     * an unknown email, which costs the same check) in a turn to hash, and counts it only if it fails.
     */
    private boolean checkPassword(String emailKey, String clientAddress, String password, String hash) {
        return hasher.inTurn(() -> {
            var attempt = throttle.begin(emailKey, clientAddress);
            boolean matches = hash == null ? hasher.matchesNothing(password) : hasher.matches(password, hash);
            if (matches) {
                attempt.giveBack();
            }
            return matches;
        });
    }

    /** A new session, or null when the account's password hash is no longer the one that was verified. */
    private StartedSession startSession(AccountRecord account, String clientAddress, String userAgent) {
        Instant now = now();
        purgeExpiredSessions(now);
        byte[] secret = new byte[TOKEN_SECRET_BYTES];
        random.nextBytes(secret);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        var id = new SessionId(Ids.random(SessionId.PREFIX));
        var record = new NewSessionRecord(id, account.id(), sha256(secretText), now, now.plus(sessionTtl),
                bounded(userAgent, MAX_USER_AGENT_LENGTH), bounded(clientAddress, MAX_CLIENT_ADDRESS_LENGTH));
        if (!store.insertSessionIfPasswordHashIs(record, account.passwordHash())) {
            return null;
        }
        var session = new Session(id, account(account), record.createdAt(), record.expiresAt());
        return new StartedSession(id.value() + "." + secretText, session);
    }

    /** Sessions are checked for expiry when used; this keeps the unused ones from piling up. */
    private void purgeExpiredSessions(Instant now) {
        long due = nextPurgeMillis.get();
        if (now.toEpochMilli() >= due && nextPurgeMillis.compareAndSet(due, now.plus(PURGE_INTERVAL).toEpochMilli())) {
            store.deleteExpiredSessions(now);
            store.deleteExpiredTokens(now);
        }
    }

    /**
     * The live session a bearer token proves. Reads the store every time, so a session ended anywhere is
     * refused on its very next request.
     *
     * @throws InvalidTokenException for a malformed, unknown, tampered, expired or ended session's token
     */
    public Session verify(String token) {
        int dot = token.lastIndexOf('.');
        var id = dot < 0 ? null : SessionId.parse(token.substring(0, dot)).orElse(null);
        if (id == null) {
            throw new InvalidTokenException();
        }
        SessionWithAccountRecord found = store.findSession(id).orElseThrow(InvalidTokenException::new);
        byte[] presented = sha256(token.substring(dot + 1)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(presented, found.secretHash().getBytes(StandardCharsets.US_ASCII))) {
            throw new InvalidTokenException();
        }
        Instant now = now();
        if (!now.isBefore(found.expiresAt())) {
            store.deleteSession(id);
            throw new InvalidTokenException();
        }
        Instant staleBefore = now.minus(LAST_USED_EVERY);
        if (found.lastUsedAt().isBefore(staleBefore)) {
            store.touchSession(id, now, staleBefore);
        }
        var account = new Account(found.accountId(), found.accountEmail(), found.accountDisplayName(),
                found.accountCreatedAt(), found.accountEmailVerifiedAt() != null, found.accountPendingEmail());
        return new Session(found.id(), account, found.createdAt(), found.expiresAt());
    }

    /**
     * The caller a bearer token proves: an API key (recognised by {@link #KEY_PREFIX}) with its scopes, or else a
     * session. Reads the store every time, so a key revoked or a session ended anywhere is refused on its very next
     * request.
     *
     * @throws InvalidTokenException for a malformed, unknown, expired, revoked or ended key or session
     */
    public CallerPrincipal authenticate(String token) {
        return token.startsWith(KEY_PREFIX) ? verifyApiKey(token) : new SessionPrincipal(verify(token));
    }

    private ApiKeyPrincipal verifyApiKey(String key) {
        // looked up by the hash of the whole key: a unique index, and nothing to compare in the clear
        var found = store.findApiKeyBySecretHash(sha256(key))
                .orElseThrow(() -> new InvalidTokenException(API_KEY_REFUSED));
        var record = found.key();
        Instant now = now();
        if (record.expiresAt() != null && !now.isBefore(record.expiresAt())) {
            throw new InvalidTokenException(API_KEY_REFUSED);
        }
        Instant staleBefore = now.minus(LAST_USED_EVERY);
        if (record.lastUsedAt() == null || record.lastUsedAt().isBefore(staleBefore)) {
            store.touchApiKey(record.id(), now, staleBefore);
        }
        var account = new Account(record.accountId(), found.accountEmail(), found.accountDisplayName(),
                found.accountCreatedAt(), found.accountEmailVerifiedAt() != null, found.accountPendingEmail());
        return new ApiKeyPrincipal(record.id(), account, record.scopes());
    }

    /** Whether the caller's session, or key, still stands (see {@link #isLive(Session)}). */
    public boolean isLive(CallerPrincipal caller) {
        if (caller instanceof SessionPrincipal session) {
            return isLive(session.session());
        }
        var key = (ApiKeyPrincipal) caller;
        return store.findApiKey(key.keyId())
                .filter(found -> found.expiresAt() == null || now().isBefore(found.expiresAt())).isPresent();
    }

    /**
     * Whether the session still stands: not signed out, ended by a sign-out everywhere or a password change, nor
     * expired. For what outlives a request (an event stream), which must end when its session does.
     */
    public boolean isLive(Session session) {
        return store.findSession(session.id()).filter(found -> now().isBefore(found.expiresAt())).isPresent();
    }

    /** Ends this session: its token is refused from the next request on. */
    public void signOut(Session session) {
        store.deleteSession(session.id());
    }

    /** The caller's account's live sessions, the newest first, the caller's own marked current. */
    public List<SessionDetails> sessions(Session caller) {
        return store.listSessions(caller.accountId(), now()).stream()
                .map(found -> new SessionDetails(found.id().value(), found.createdAt(), found.lastUsedAt(),
                        found.expiresAt(), found.userAgent(), found.clientAddress(), found.id().equals(caller.id())))
                .toList();
    }

    /**
     * Ends one of the caller's account's sessions; its token is refused from the next request on, and its event
     * streams end at their next heartbeat. The caller's own is allowed (it is signing out).
     *
     * @throws SessionNotFoundException for an id that is not a session of this account, whether or not it exists
     */
    public void endSession(Session caller, String id) {
        var sessionId = SessionId.parse(id).orElseThrow(SessionNotFoundException::new);
        if (!store.deleteSession(caller.accountId(), sessionId)) {
            throw new SessionNotFoundException();
        }
    }

    /** Ends every session of the account except the caller's own. @return how many ended */
    public int signOutEverywhereElse(Session caller) {
        return store.deleteOtherSessions(caller.accountId(), caller.id());
    }

    /**
     * Creates an API key for the caller's account. The secret is in the answer and nowhere else: only its SHA-256 is
     * kept. Every broken rule is reported at once.
     *
     * @throws ValidationException for a missing or too long name, no scopes, an unknown scope (named), or an expiry
     *     that is not in the future
     */
    public CreatedApiKey createApiKey(Session caller, NewApiKey input) {
        var errors = new ArrayList<FieldError>();
        String name = keyName(input.name(), errors);
        var scopes = EnumSet.noneOf(ApiScope.class);
        if (input.scopes() == null) {
            errors.add(new FieldError("scopes", "is required"));
        } else if (input.scopes().isEmpty()) {
            errors.add(new FieldError("scopes", "must name at least one scope: " + ApiScope.NAMES));
        } else if (input.scopes().size() > ApiScope.values().length) {
            errors.add(new FieldError("scopes", "must name at most " + ApiScope.values().length + " scopes, each once"));
        } else {
            for (String text : input.scopes()) {
                var scope = text == null ? null : ApiScope.parse(text).orElse(null);
                if (scope == null) {
                    errors.add(new FieldError("scopes", "has an unknown scope "
                            + (text == null ? "null" : "\"" + printable(text) + "\"") + "; the scopes are "
                            + ApiScope.NAMES));
                } else {
                    scopes.add(scope);
                }
            }
        }
        Instant now = now();
        Instant expiresAt = null;
        if (input.expiresAt() != null) {
            try {
                expiresAt = OffsetDateTime.parse(input.expiresAt()).toInstant().truncatedTo(ChronoUnit.MILLIS);
                if (!expiresAt.isAfter(now)) {
                    errors.add(new FieldError("expiresAt", "must be in the future"));
                } else if (expiresAt.isAfter(LATEST_KEY_EXPIRY)) {
                    // RFC 3339 years have four digits, and the databases' timestamps end somewhere: a bound of ours
                    errors.add(new FieldError("expiresAt", "must be before the year 10000; leave it out for a key"
                            + " that lasts until revoked"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("expiresAt", "must be an RFC 3339 timestamp such as 2027-01-31T00:00:00Z"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        byte[] secret = new byte[KEY_SECRET_BYTES];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        var id = new ApiKeyId(Ids.timeOrdered(ApiKeyId.PREFIX, now.toEpochMilli()));
        var record = new NewApiKeyRecord(id, caller.accountId(), name,
                key.substring(0, KEY_PREFIX.length() + KEY_SECRET_SHOWN), sha256(key), scopes, now, expiresAt);
        store.insertApiKey(record);
        return new CreatedApiKey(key, new ApiKey(id.value(), name, record.prefix(), scopes, now, null, expiresAt));
    }

    /** The caller's account's keys, expired ones included (until revoked), the newest first; never a secret. */
    public List<ApiKey> apiKeys(Session caller) {
        return store.listApiKeys(caller.accountId()).stream().map(IdentityService::apiKey).toList();
    }

    /** @throws ApiKeyNotFoundException for an id that is not a key of the caller's account */
    public ApiKey apiKey(Session caller, String id) {
        return ApiKeyId.parse(id).flatMap(store::findApiKey)
                .filter(found -> found.accountId().equals(caller.accountId()))
                .map(IdentityService::apiKey).orElseThrow(ApiKeyNotFoundException::new);
    }

    /**
     * Revokes a key: refused from its very next request (nothing caches keys).
     *
     * @throws ApiKeyNotFoundException for an id that is not a key of the caller's account
     */
    public void revokeApiKey(Session caller, String id) {
        var keyId = ApiKeyId.parse(id).orElseThrow(ApiKeyNotFoundException::new);
        if (!store.deleteApiKey(caller.accountId(), keyId)) {
            throw new ApiKeyNotFoundException();
        }
    }

    /** Ends every session of the account, the caller's included. */
    public void signOutEverywhere(AccountId accountId) {
        store.deleteSessions(accountId);
    }

    /**
     * An account, to its own holder only.
     *
     * @throws AccountNotFoundException for any other id, existing or not: whether it exists is not the caller's
     *     business
     */
    public Account account(Session caller, String id) {
        return account(caller.accountId(), id);
    }

    /** As {@link #account(Session, String)}, for a caller known by its account (a session or an API key). */
    public Account account(AccountId caller, String id) {
        if (!caller.value().equals(id)) {
            throw new AccountNotFoundException();
        }
        return store.findAccount(caller).map(IdentityService::account)
                .orElseThrow(AccountNotFoundException::new);
    }

    /**
     * @throws ValidationException when the name is not 1-100 characters after trimming
     */
    public Account rename(Session caller, String displayName) {
        var errors = new ArrayList<FieldError>();
        String name = displayName(displayName, errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return store.updateDisplayName(caller.accountId(), name, now()).map(IdentityService::account)
                .orElseThrow(AccountNotFoundException::new);
    }

    /**
     * Replaces the password after checking the current one, and ends every other session of the account: whoever
     * else held a session keeps nothing. A wrong current password counts as a failed sign-in.
     *
     * @throws ValidationException for a missing field, a new password that breaks the rules, or a wrong current
     *     password (named {@code currentPassword})
     */
    public void changePassword(Session caller, String currentPassword, String newPassword, String clientAddress) {
        var errors = new ArrayList<FieldError>();
        // no password that long can be the account's: refused before any work, as at sign-in
        if (required("currentPassword", currentPassword, errors)
                && Text.length(currentPassword) > PasswordPolicy.MAX_LENGTH) {
            errors.add(new FieldError("currentPassword", "must be at most " + PasswordPolicy.MAX_LENGTH + " characters"));
        }
        String next = newPassword("newPassword", newPassword, caller.account().email(), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        var account = store.findAccount(caller.accountId()).orElseThrow(AccountNotFoundException::new);
        String emailKey = emailKey(account.email());
        throttle.check(emailKey, clientAddress);
        if (!checkPassword(emailKey, clientAddress, PasswordPolicy.normalize(currentPassword), account.passwordHash())) {
            throw new ValidationException("currentPassword", "is not this account's password");
        }
        if (!store.replacePasswordHash(account.id(), account.passwordHash(), hasher.hash(next), now(), caller.id())) {
            throw new PasswordChangedMeanwhileException();
        }
    }

    /**
     * Mails a new verification link, for the pending email if a change is pending, else for the account's email;
     * the link replaces any sent before.
     *
     * @return the address the link was sent to
     * @throws NothingToVerifyException when the email is verified and no change is pending
     * @throws TooManyMailsException when the account has asked for too many mails lately
     */
    public String resendVerification(Session caller) {
        var account = store.findAccount(caller.accountId()).orElseThrow(AccountNotFoundException::new);
        String to = verificationTarget(account);
        if (to == null) {
            throw new NothingToVerifyException();
        }
        takeMail(accountMailKey(account.id()));
        sendVerification(account, to);
        return to;
    }

    /**
     * Changes what the caller asked to change: the email (which takes the current password, and only becomes the
     * account's once a link mailed to the new address is followed) and the display name. Everything is checked
     * before anything changes.
     *
     * @throws ValidationException for an invalid name or address, or a missing or wrong current password
     * @throws EmailAlreadyRegisteredException when another account has the new address
     * @throws TooManyMailsException when the account has asked for too many mails lately
     */
    public Account updateAccount(Session caller, AccountUpdate update, String clientAddress) {
        var errors = new ArrayList<FieldError>();
        String name = update.changesDisplayName() ? displayName(update.displayName(), errors) : null;
        String email = update.changesEmail() ? email(update.email(), errors) : null;
        if (update.changesEmail() && required("currentPassword", update.currentPassword(), errors)
                && Text.length(update.currentPassword()) > PasswordPolicy.MAX_LENGTH) {
            errors.add(new FieldError("currentPassword", "must be at most " + PasswordPolicy.MAX_LENGTH + " characters"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        var account = store.findAccount(caller.accountId()).orElseThrow(AccountNotFoundException::new);
        if (email != null) {
            account = changeEmail(account, email, update.currentPassword(), clientAddress);
        }
        if (name != null) {
            account = store.updateDisplayName(caller.accountId(), name, now())
                    .orElseThrow(AccountNotFoundException::new);
        }
        return account(account);
    }

    private AccountRecord changeEmail(AccountRecord account, String email, String currentPassword,
            String clientAddress) {
        String currentKey = emailKey(account.email());
        throttle.check(currentKey, clientAddress);
        if (!checkPassword(currentKey, clientAddress, PasswordPolicy.normalize(currentPassword), account.passwordHash())) {
            throw new ValidationException("currentPassword", "is not this account's password");
        }
        Instant now = now();
        String key = emailKey(email);
        if (key.equals(currentKey)) {
            // back to the address the account has: whatever change was pending is called off
            return account.pendingEmail() == null
                    ? account
                    : store.updatePendingEmail(account.id(), null, now, null, null)
                            .orElseThrow(AccountNotFoundException::new);
        }
        if (store.findAccountByEmailKey(key).isPresent()) {
            throw new EmailAlreadyRegisteredException();
        }
        takeMail(accountMailKey(account.id()));
        String token = newTokenText();
        return store.updatePendingEmail(account.id(), email, now, tokenRecord(token, account.id(), TokenPurpose.VERIFY,
                email, now), mails.verification(email, token, true)).orElseThrow(AccountNotFoundException::new);
    }

    /**
     * Follows a verification link: the address it was sent to is verified, and if it was a pending change, it
     * becomes the account's email (and the old address is told). No session needed: the token is the proof.
     *
     * @throws InvalidEmailTokenException for an unknown, expired, used or replaced token alike
     * @throws EmailAlreadyRegisteredException when another account took the new address since it was asked for
     */
    public Account verifyEmail(String token) {
        var found = liveToken(token, TokenPurpose.VERIFY);
        var account = store.findAccount(found.accountId()).orElseThrow(IdentityService::invalidLink);
        Instant now = now();
        if (found.email().equals(account.email())) {
            return store.verifyEmail(found.tokenHash(), account.id(), account.email(), now)
                    .map(IdentityService::account).orElseThrow(IdentityService::invalidLink);
        }
        if (found.email().equals(account.pendingEmail())) {
            return store.confirmEmailChange(found.tokenHash(), account.id(), found.email(), emailKey(found.email()),
                    now, mails.emailChanged(account.email(), found.email()))
                    .map(IdentityService::account).orElseThrow(IdentityService::invalidLink);
        }
        // the address changed since the link was sent
        throw invalidLink();
    }

    /**
     * Asks for a password reset link for {@code email}. The caller learns nothing about whether an account has the
     * address: the answer is the same, and so is its time, since everything that differs (looking the account up,
     * storing a token, queuing the mail) happens after the answer, a moment later and on another thread
     * ({@link AfterTheAnswer}).
     *
     * @throws ValidationException when the address is missing or is no address
     * @throws TooManyMailsException when this address or the client has asked for too many resets lately
     */
    public void requestPasswordReset(String rawEmail, String clientAddress) {
        var errors = new ArrayList<FieldError>();
        String email = email(rawEmail, errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        String emailKey = emailKey(email);
        String byAddress = "a:" + clientAddress;
        takeMail(byAddress);
        try {
            takeMail("e:" + sha256(emailKey));
        } catch (TooManyMailsException refused) {
            mailLimit.giveBack(byAddress);
            throw refused;
        }
        try {
            background.execute(() -> sendReset(emailKey));
        } catch (RejectedExecutionException e) {
            log.warn("Too many password resets waiting; one was dropped");
        }
    }

    private void sendReset(String emailKey) {
        try {
            var account = store.findAccountByEmailKey(emailKey);
            if (account.isEmpty()) {
                return;
            }
            Instant now = now();
            String token = newTokenText();
            String to = account.get().email();
            store.replaceToken(tokenRecord(token, account.get().id(), TokenPurpose.RESET, to, now),
                    mails.reset(to, token));
        } catch (RuntimeException e) {
            log.error("A password reset mail could not be queued", e);
        }
    }

    /**
     * Sets a new password with a reset link's token, ends every session of the account and kills the token. The
     * account's email counts as verified from then on: the link was mailed to it.
     *
     * @throws InvalidEmailTokenException for an unknown, expired, used or replaced token alike
     * @throws ValidationException when the password breaks the sign-up rules
     */
    public void resetPassword(String token, String password) {
        var found = liveToken(token, TokenPurpose.RESET);
        var account = store.findAccount(found.accountId()).orElseThrow(IdentityService::invalidLink);
        var errors = new ArrayList<FieldError>();
        String next = newPassword("password", password, account.email(), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        if (!store.resetPassword(found.tokenHash(), account.id(), hasher.hash(next), now())) {
            throw invalidLink();
        }
    }

    /** Sends a verification mail to an account that tried to sign in unverified, if its mail limit allows. */
    private void resendIfAllowed(AccountRecord account) {
        String to = verificationTarget(account);
        if (to != null && mailLimit.tryTake(accountMailKey(account.id())).allowed()) {
            sendVerification(account, to);
        }
    }

    private void sendVerification(AccountRecord account, String to) {
        Instant now = now();
        String token = newTokenText();
        boolean newAddress = !to.equals(account.email());
        if (!store.replaceToken(tokenRecord(token, account.id(), TokenPurpose.VERIFY, to, now),
                mails.verification(to, token, newAddress))) {
            throw new AccountNotFoundException();
        }
    }

    /** The address a verification link is for: a pending change's, else the account's own while unverified. */
    private static String verificationTarget(AccountRecord account) {
        if (account.pendingEmail() != null) {
            return account.pendingEmail();
        }
        return account.emailVerifiedAt() == null ? account.email() : null;
    }

    /** The token's record, if {@code token} is one this service made for {@code purpose} and it has not expired. */
    private EmailTokenRecord liveToken(String token, TokenPurpose purpose) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw invalidLink();
        }
        return store.findToken(sha256(token), purpose)
                .filter(found -> now().isBefore(found.expiresAt()))
                .orElseThrow(IdentityService::invalidLink);
    }

    private static InvalidEmailTokenException invalidLink() {
        return new InvalidEmailTokenException("This link is invalid, has expired, or was already used or replaced by a"
                + " newer one; ask for a new one.");
    }

    private void takeMail(String key) {
        var probe = mailLimit.tryTake(key);
        if (!probe.allowed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.nanosToWait() + 999_999_999L));
            throw new TooManyMailsException(Duration.ofSeconds(seconds));
        }
    }

    private static String accountMailKey(AccountId id) {
        return "acct:" + id.value();
    }

    /** A mailed token: 256 bits from a SecureRandom, base64url (43 characters); only its SHA-256 is stored. */
    private String newTokenText() {
        byte[] secret = new byte[TOKEN_SECRET_BYTES];
        random.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static EmailTokenRecord tokenRecord(String token, AccountId id, TokenPurpose purpose, String email,
            Instant now) {
        Duration ttl = purpose == TokenPurpose.VERIFY ? AccountMails.VERIFICATION_TTL : AccountMails.RESET_TTL;
        return new EmailTokenRecord(sha256(token), id, purpose, email, now, now.plus(ttl));
    }

    private Instant now() {
        // milliseconds: what JSON shows and every database keeps, so a value read back equals the one written
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String email(String raw, List<FieldError> errors) {
        if (!required("email", raw, errors)) {
            return null;
        }
        String email = Text.strip(raw);
        int at = email.indexOf('@');
        if (Text.length(email) > MAX_EMAIL_LENGTH) {
            errors.add(new FieldError("email", "must be at most " + MAX_EMAIL_LENGTH + " characters"));
        } else if (at < 1 || at != email.lastIndexOf('@') || at == email.length() - 1
                || email.chars().anyMatch(Character::isWhitespace) || Text.isUnsafe(email, false)) {
            errors.add(new FieldError("email", "must be an email address such as name@example.com"));
        }
        return email;
    }

    private static String keyName(String raw, List<FieldError> errors) {
        if (!required("name", raw, errors)) {
            return null;
        }
        String name = Text.strip(raw);
        if (name.isEmpty() || Text.length(name) > MAX_KEY_NAME_LENGTH) {
            errors.add(new FieldError("name", "must be 1 to " + MAX_KEY_NAME_LENGTH + " characters after trimming"));
        } else if (Text.isUnsafe(name, false)) {
            errors.add(new FieldError("name", "must not contain control characters"));
        }
        return name;
    }

    /** At most {@code max} characters (code points) of {@code raw}, control characters as '?'; null stays null. */
    static String bounded(String raw, int max) {
        if (raw == null) {
            return null;
        }
        var text = new StringBuilder();
        raw.codePoints().limit(max).forEach(c -> text.appendCodePoint(
                Character.isISOControl(c) || Character.isSurrogate((char) c) && c < 0x10000 ? '?' : c));
        return text.toString();
    }

    /** A client's text quoted back in a message: bounded, without control characters. */
    private static String printable(String text) {
        return bounded(text, 40);
    }

    private static ApiKey apiKey(ApiKeyRecord record) {
        return new ApiKey(record.id().value(), record.name(), record.prefix(), record.scopes(), record.createdAt(),
                record.lastUsedAt(), record.expiresAt());
    }

    private static String displayName(String raw, List<FieldError> errors) {
        if (!required("displayName", raw, errors)) {
            return null;
        }
        String name = Text.strip(raw);
        if (name.isEmpty() || Text.length(name) > MAX_DISPLAY_NAME_LENGTH) {
            errors.add(new FieldError("displayName",
                    "must be 1 to " + MAX_DISPLAY_NAME_LENGTH + " characters after trimming"));
        } else if (Text.isUnsafe(name, false)) {
            errors.add(new FieldError("displayName", "must not contain control characters"));
        }
        return name;
    }

    private String newPassword(String field, String raw, String email, List<FieldError> errors) {
        if (!required(field, raw, errors)) {
            return null;
        }
        String password = PasswordPolicy.normalize(raw);
        policy.problemWith(password, email).ifPresent(problem -> errors.add(new FieldError(field, problem)));
        return password;
    }

    private static boolean required(String field, String value, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, "is required"));
            return false;
        }
        return true;
    }

    static String emailKey(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    private static String sha256(String text) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static Account account(AccountRecord record) {
        return new Account(record.id(), record.email(), record.displayName(), record.createdAt(),
                record.emailVerifiedAt() != null, record.pendingEmail());
    }
}
