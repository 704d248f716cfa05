package dev.quire;

import dev.quire.db.DatabaseSettings;
import dev.quire.http.TrustedProxies;
import dev.quire.mail.MailSettings;
import dev.quire.mail.SmtpSettings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quire's settings, read once at startup and never changed. Each key is an environment variable
 * ({@code QUIRE_DB_URL}) or, taking precedence, a system property ({@code -Dquire.db.url=...}). Blank
 * values count as unset. Invalid values fail the start with one {@link ConfigException} naming every bad key.
 */
public record AppConfig(
        DatabaseSettings database,
        List<String> corsOrigins,
        long maxBodyBytes,
        LogFormat logFormat,
        Duration sessionTtl,
        int signInLimit,
        boolean demoData,
        String metricsToken,
        int rateLimit,
        int signUpLimit,
        TrustedProxies trustedProxies,
        Duration eventRetention,
        int streamsPerAccount,
        int streamsPerInstance,
        MailSettings mail,
        boolean requireVerifiedEmail,
        int mailLimit) {

    public enum LogFormat { JSON, TEXT }

    /** File H2 under ./data/ (relative to the working directory). */
    public static final String DEFAULT_DB_URL = h2FileUrl("./data/quire");

    static final String DB_URL = "QUIRE_DB_URL";
    static final String DB_USER = "QUIRE_DB_USER";
    static final String DB_PASSWORD = "QUIRE_DB_PASSWORD";
    static final String DB_POOL_SIZE = "QUIRE_DB_POOL_SIZE";
    static final String CORS_ORIGINS = "QUIRE_CORS_ORIGINS";
    static final String MAX_BODY_BYTES = "QUIRE_MAX_BODY_BYTES";
    static final String LOG_FORMAT = "QUIRE_LOG_FORMAT";
    static final String SESSION_TTL = "QUIRE_SESSION_TTL";
    static final String SIGNIN_LIMIT = "QUIRE_SIGNIN_LIMIT";
    static final String DEMO_DATA = "QUIRE_DEMO_DATA";
    static final String METRICS_TOKEN = "QUIRE_METRICS_TOKEN";
    static final String RATE_LIMIT = "QUIRE_RATE_LIMIT";
    static final String SIGNUP_LIMIT = "QUIRE_SIGNUP_LIMIT";
    static final String TRUSTED_PROXIES = "QUIRE_TRUSTED_PROXIES";
    static final String EVENT_RETENTION = "QUIRE_EVENT_RETENTION";
    static final String STREAMS_PER_ACCOUNT = "QUIRE_STREAMS_PER_ACCOUNT";
    static final String STREAMS_PER_INSTANCE = "QUIRE_STREAMS_PER_INSTANCE";
    static final String SMTP_URL = "QUIRE_SMTP_URL";
    static final String MAIL_FROM = "QUIRE_MAIL_FROM";
    static final String PUBLIC_URL = "QUIRE_PUBLIC_URL";
    static final String REQUIRE_VERIFIED_EMAIL = "QUIRE_REQUIRE_VERIFIED_EMAIL";
    static final String MAIL_LIMIT = "QUIRE_MAIL_LIMIT";
    private static final Set<String> KEYS = Set.of(DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, CORS_ORIGINS,
            MAX_BODY_BYTES, LOG_FORMAT, SESSION_TTL, SIGNIN_LIMIT, DEMO_DATA, METRICS_TOKEN, RATE_LIMIT, SIGNUP_LIMIT,
            TRUSTED_PROXIES, EVENT_RETENTION, STREAMS_PER_ACCOUNT, STREAMS_PER_INSTANCE, SMTP_URL, MAIL_FROM,
            PUBLIC_URL, REQUIRE_VERIFIED_EMAIL, MAIL_LIMIT);
    private static final int MIN_METRICS_TOKEN_LENGTH = 16;

    private static final Logger log = LoggerFactory.getLogger(AppConfig.class);
    private static final Pattern ORIGIN = Pattern.compile("https?://[^/\\s?#@]+");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([dhms])");

    public AppConfig {
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** The bearer token {@code /metrics} requires, if one is set. */
    public Optional<String> metricsTokenIfSet() {
        return metricsToken.isEmpty() ? Optional.empty() : Optional.of(metricsToken);
    }

    /** Every setting but the secrets, which are only said to be set or not. */
    @Override
    public String toString() {
        return "AppConfig[database=" + database + ", corsOrigins=" + corsOrigins + ", maxBodyBytes=" + maxBodyBytes
                + ", logFormat=" + logFormat + ", sessionTtl=" + sessionTtl + ", signInLimit=" + signInLimit
                + ", demoData=" + demoData + ", metricsToken=" + (metricsToken.isEmpty() ? "(none)" : "(set)")
                + ", rateLimit=" + rateLimit + ", signUpLimit=" + signUpLimit + ", trustedProxies=" + trustedProxies
                + ", eventRetention=" + eventRetention + ", streamsPerAccount=" + streamsPerAccount
                + ", streamsPerInstance=" + streamsPerInstance + ", mail=" + mail + ", requireVerifiedEmail="
                + requireVerifiedEmail + ", mailLimit=" + mailLimit + "]";
    }

    /**
     * The JDBC URL of an H2 file database as Quire needs it: PostgreSQL mode with PostgreSQL's lower-case names
     * and null ordering, closed by Quire rather than a JVM shutdown hook, and WRITE_DELAY=0 so that a commit is
     * written out before it is acknowledged (H2's default delay loses acknowledged commits on kill -9).
     */
    public static String h2FileUrl(String file) {
        return "jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                + "DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    /** The settings of this process: environment variables overridden by {@code quire.*} system properties. */
    public static AppConfig fromSystem() {
        return from(System.getenv(), System.getProperties());
    }

    /** {@code QUIRE_*} environment variables, each overridden by the matching {@code quire.*} property. */
    static AppConfig from(Map<String, String> environment, Properties properties) {
        var settings = new HashMap<String, String>();
        environment.forEach((name, value) -> {
            if (name.startsWith("QUIRE_")) {
                settings.put(name, value);
            }
        });
        properties.forEach((name, value) -> {
            if (name.toString().startsWith("quire.")) {
                settings.put(name.toString().toUpperCase(Locale.ROOT).replace('.', '_'), value.toString());
            }
        });
        return from(settings);
    }

    /**
     * Reads the settings from {@code QUIRE_*} keys.
     *
     * @throws ConfigException naming every key whose value is invalid
     */
    public static AppConfig from(Map<String, String> settings) {
        var reader = new Reader(settings);
        String url = reader.jdbcUrl(DB_URL, DEFAULT_DB_URL);
        var config = new AppConfig(
                new DatabaseSettings(
                        url,
                        reader.text(DB_USER, ""),
                        reader.text(DB_PASSWORD, ""),
                        (int) reader.number(DB_POOL_SIZE, 10, 1, 100)),
                reader.origins(CORS_ORIGINS),
                reader.number(MAX_BODY_BYTES, 1024 * 1024, 1024, 1024L * 1024 * 1024),
                reader.choice(LOG_FORMAT, LogFormat.JSON),
                reader.duration(SESSION_TTL, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofDays(365)),
                (int) reader.number(SIGNIN_LIMIT, 5, 1, 10_000),
                // the embedded database is for trying Quire out: it starts with something to look at
                reader.bool(DEMO_DATA, url.startsWith("jdbc:h2:")),
                reader.secret(METRICS_TOKEN, MIN_METRICS_TOKEN_LENGTH),
                // requests a minute per client address and per account on the whole API; 0 switches it off
                (int) reader.number(RATE_LIMIT, 1200, 0, 1_000_000),
                // sign-ups a minute per client address: each makes an account and a password hash; never off
                (int) reader.number(SIGNUP_LIMIT, 10, 1, 100_000),
                // none: forwarded headers are anyone's to write until the operator names the proxies
                reader.trustedProxies(TRUSTED_PROXIES),
                // how long change events are kept for clients that resume a stream
                reader.duration(EVENT_RETENTION, Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofDays(365)),
                (int) reader.number(STREAMS_PER_ACCOUNT, 10, 1, 1_000),
                (int) reader.number(STREAMS_PER_INSTANCE, 2_000, 1, 100_000),
                reader.mail(),
                // off by default: an account works from sign-up on, and verifies its address when it likes
                reader.bool(REQUIRE_VERIFIED_EMAIL, false),
                // mails an hour: verification links per account, password resets per email and per client address
                (int) reader.number(MAIL_LIMIT, 5, 1, 100_000));
        reader.failOnProblems();
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                && !url.toUpperCase(Locale.ROOT).contains("WRITE_DELAY=0")) {
            log.warn("{} is an H2 file database without WRITE_DELAY=0: H2 then writes commits out up to half a second"
                    + " after acknowledging them, and a crash loses them; add ;WRITE_DELAY=0 to the URL", DB_URL);
        }
        if (config.mail().sends() && config.mail().publicUrl() == null) {
            log.warn("{} is set but {} is not: the links in mails point at {}, which is right only for mvn jetty:run"
                    + " on this machine; set {} to the address users open Quire at", SMTP_URL, PUBLIC_URL,
                    config.mail().links("").base() + "[context path]", PUBLIC_URL);
        }
        var unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            log.warn("Ignoring unknown settings {}; Quire reads {}", unknown, new TreeSet<>(KEYS));
        }
        return config;
    }

    /** Parses values, collecting every problem so one message can name all bad keys. */
    private static final class Reader {
        private final Map<String, String> settings;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> settings) {
            this.settings = settings;
        }

        private String raw(String key) {
            String value = settings.get(key);
            return value == null || value.isBlank() ? null : value.trim();
        }

        String text(String key, String fallback) {
            String value = raw(key);
            return value == null ? fallback : value;
        }

        /** An optional secret of at least {@code minLength} characters; the value is never echoed. */
        String secret(String key, int minLength) {
            String value = text(key, "");
            if (!value.isEmpty() && value.length() < minLength) {
                problems.add(key + " must be at least " + minLength + " characters long");
            }
            return value;
        }

        String jdbcUrl(String key, String fallback) {
            String value = text(key, fallback);
            if (!value.startsWith("jdbc:h2:") && !value.startsWith("jdbc:postgresql:")) {
                // the value is not echoed: a JDBC URL may carry a password
                problems.add(key + " must be a jdbc:h2: or jdbc:postgresql: URL");
            }
            return value;
        }

        long number(String key, long fallback, long min, long max) {
            String value = raw(key);
            if (value == null) {
                return fallback;
            }
            try {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below, with the accepted range
            }
            problems.add(key + " must be a whole number from " + min + " to " + max + " (got \"" + value + "\")");
            return fallback;
        }

        /** An ISO-8601 duration ({@code P7D}, {@code PT12H}) or a number with a unit: {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}. */
        Duration duration(String key, Duration fallback, Duration min, Duration max) {
            String value = raw(key);
            if (value == null) {
                return fallback;
            }
            Duration parsed = parseDuration(value);
            if (parsed != null && parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
            problems.add(key + " must be a duration from 1s to 365d, such as 7d, 12h, 30m or PT45S (got \"" + value
                    + "\")");
            return fallback;
        }

        private static Duration parseDuration(String value) {
            var shorthand = DURATION.matcher(value.toLowerCase(Locale.ROOT));
            try {
                if (shorthand.matches()) {
                    long amount = Long.parseLong(shorthand.group(1));
                    return switch (shorthand.group(2)) {
                        case "d" -> Duration.ofDays(amount);
                        case "h" -> Duration.ofHours(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofSeconds(amount);
                    };
                }
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
                return null;
            }
        }

        boolean bool(String key, boolean fallback) {
            String value = raw(key);
            if (value == null) {
                return fallback;
            }
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(value);
            }
            problems.add(key + " must be true or false (got \"" + value + "\")");
            return fallback;
        }

        <E extends Enum<E>> E choice(String key, E fallback) {
            String value = raw(key);
            if (value == null) {
                return fallback;
            }
            for (E option : fallback.getDeclaringClass().getEnumConstants()) {
                if (option.name().equalsIgnoreCase(value)) {
                    return option;
                }
            }
            var names = new ArrayList<String>();
            for (E option : fallback.getDeclaringClass().getEnumConstants()) {
                names.add(option.name().toLowerCase(Locale.ROOT));
            }
            problems.add(key + " must be one of " + String.join(", ", names) + " (got \"" + value + "\")");
            return fallback;
        }

        List<String> origins(String key) {
            String value = raw(key);
            if (value == null) {
                return List.of();
            }
            var origins = new ArrayList<String>();
            for (String part : value.split(",")) {
                String origin = part.trim().toLowerCase(Locale.ROOT);
                if (origin.isEmpty()) {
                    continue;
                }
                if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
                    problems.add(key + " entries must be * or scheme://host[:port] with no path or trailing slash"
                            + " (got \"" + part.trim() + "\")");
                }
                origins.add(origin);
            }
            return origins;
        }

        TrustedProxies trustedProxies(String key) {
            String value = raw(key);
            if (value == null) {
                return TrustedProxies.none();
            }
            try {
                return TrustedProxies.parse(value);
            } catch (IllegalArgumentException e) {
                problems.add(key + " must be comma-separated IP addresses and CIDR ranges: " + e.getMessage());
                return TrustedProxies.none();
            }
        }

        /**
         * The SMTP server (none: mails are logged), the sender address (required with a server) and the public URL.
         * Neither the SMTP URL nor a part of it is echoed: it may hold a password.
         */
        MailSettings mail() {
            SmtpSettings smtp = null;
            String url = raw(SMTP_URL);
            if (url != null) {
                try {
                    smtp = SmtpSettings.parse(url);
                } catch (SmtpSettings.InvalidUrlException e) {
                    problems.add(SMTP_URL + " must be smtp://[user:password@]host[:port][?starttls=required] or"
                            + " smtps://[user:password@]host[:port]: " + e.getMessage());
                }
            }
            String from = raw(MAIL_FROM);
            if (from == null) {
                if (url != null) {
                    problems.add(MAIL_FROM + " must be set when " + SMTP_URL + " is: the sender address of mails, such"
                            + " as Quire <no-reply@example.com>");
                }
                from = MailSettings.DEVELOPMENT_FROM;
            } else {
                try {
                    InternetAddress[] addresses = InternetAddress.parse(from, true);
                    if (addresses.length != 1) {
                        throw new AddressException("not one address");
                    }
                    addresses[0].validate();
                } catch (AddressException e) {
                    problems.add(MAIL_FROM + " must be one email address, such as Quire <no-reply@example.com> (got \""
                            + from + "\")");
                }
            }
            return new MailSettings(smtp, from, publicUrl(PUBLIC_URL));
        }

        /** http(s)://host[:port][/path], without a query, a fragment or a trailing slash; null when unset. */
        String publicUrl(String key) {
            String value = raw(key);
            if (value == null) {
                return null;
            }
            String url = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            try {
                var uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                        && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                    return url;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            problems.add(key + " must be http(s)://host[:port][/path] with no query or fragment, such as"
                    + " https://quire.example.com (got \"" + value + "\")");
            return null;
        }

        void failOnProblems() {
            if (!problems.isEmpty()) {
                throw new ConfigException("Invalid configuration: " + String.join("; ", problems));
            }
        }
    }
}
