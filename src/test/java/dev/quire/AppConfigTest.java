package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppConfigTest {

    @Test
    void withNothingSetItUsesAFileH2DatabaseUnderData() {
        var config = AppConfig.from(Map.of());

        assertThat(config.database().url()).startsWith("jdbc:h2:file:./data/quire;").contains("MODE=PostgreSQL");
        assertThat(config.database().user()).isEmpty();
        assertThat(config.database().password()).isEmpty();
        assertThat(config.database().poolSize()).isEqualTo(10);
        assertThat(config.corsOrigins()).isEmpty();
        assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(config.logFormat()).isEqualTo(AppConfig.LogFormat.JSON);
        assertThat(config.sessionTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(config.signInLimit()).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource({"7d, P7D", "12h, PT12H", "30m, PT30M", "45s, PT45S", "PT2H30M, PT2H30M", "p1d, P1D", "1s, PT1S"})
    void sessionLifetimesAreWrittenAsUnitsOrIsoDurations(String value, String expected) {
        assertThat(AppConfig.from(Map.of("QUIRE_SESSION_TTL", value)).sessionTtl()).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "0s", "366d", "-1h", "10x", "P", "99999999999d"})
    void aSessionLifetimeOutsideOneSecondToAYearIsRefused(String value) {
        assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_SESSION_TTL", value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("QUIRE_SESSION_TTL");
    }

    @Test
    void theSignInLimitIsAPositiveWholeNumber() {
        assertThat(AppConfig.from(Map.of("QUIRE_SIGNIN_LIMIT", "20")).signInLimit()).isEqualTo(20);
        assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_SIGNIN_LIMIT", "0"))).hasMessageContaining(
                "QUIRE_SIGNIN_LIMIT");
    }

    @Test
    void theRequestLimitMayBeOffButTheSignUpLimitMayNot() {
        assertThat(AppConfig.from(Map.of()).rateLimit()).isEqualTo(1200);
        assertThat(AppConfig.from(Map.of()).signUpLimit()).isEqualTo(10);
        assertThat(AppConfig.from(Map.of("QUIRE_RATE_LIMIT", "0")).rateLimit()).isZero();
        assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_RATE_LIMIT", "-1", "QUIRE_SIGNUP_LIMIT", "0")))
                .hasMessageContaining("QUIRE_RATE_LIMIT").hasMessageContaining("QUIRE_SIGNUP_LIMIT");
    }

    @Test
    void theDefaultDatabaseDoesNotDelayWrites() {
        assertThat(AppConfig.from(Map.of()).database().url()).contains("WRITE_DELAY=0");
    }

    @Test
    void readsEverySetting() {
        var config = AppConfig.from(Map.of(
                "QUIRE_DB_URL", "jdbc:postgresql://db:5432/quire",
                "QUIRE_DB_USER", "quire",
                "QUIRE_DB_PASSWORD", "s3cret",
                "QUIRE_DB_POOL_SIZE", "25",
                "QUIRE_CORS_ORIGINS", "https://a.example, HTTP://Localhost:5173",
                "QUIRE_MAX_BODY_BYTES", "2048",
                "QUIRE_LOG_FORMAT", "TEXT"));

        assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db:5432/quire");
        assertThat(config.database().user()).isEqualTo("quire");
        assertThat(config.database().password()).isEqualTo("s3cret");
        assertThat(config.database().poolSize()).isEqualTo(25);
        assertThat(config.corsOrigins()).containsExactly("https://a.example", "http://localhost:5173");
        assertThat(config.maxBodyBytes()).isEqualTo(2048);
        assertThat(config.logFormat()).isEqualTo(AppConfig.LogFormat.TEXT);
    }

    @Test
    void blankValuesCountAsUnset() {
        var config = AppConfig.from(Map.of("QUIRE_DB_POOL_SIZE", " ", "QUIRE_LOG_FORMAT", "", "QUIRE_CORS_ORIGINS", ""));

        assertThat(config.database().poolSize()).isEqualTo(10);
        assertThat(config.logFormat()).isEqualTo(AppConfig.LogFormat.JSON);
        assertThat(config.corsOrigins()).isEmpty();
    }

    @Test
    void oneMessageNamesEveryInvalidKey() {
        var settings = Map.of(
                "QUIRE_DB_URL", "mysql://localhost/quire",
                "QUIRE_DB_POOL_SIZE", "lots",
                "QUIRE_CORS_ORIGINS", "https://ok.example,https://slash.example/",
                "QUIRE_MAX_BODY_BYTES", "10",
                "QUIRE_LOG_FORMAT", "xml");

        assertThatThrownBy(() -> AppConfig.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration: ")
                .hasMessageContainingAll("QUIRE_DB_URL", "QUIRE_DB_POOL_SIZE must be a whole number from 1 to 100",
                        "\"lots\"", "https://slash.example/", "QUIRE_MAX_BODY_BYTES", "QUIRE_LOG_FORMAT must be one of"
                                + " json, text (got \"xml\")");
    }

    @Test
    void numbersOutsideTheirRangeAreRejected() {
        for (var bad : List.of(Map.of("QUIRE_DB_POOL_SIZE", "0"), Map.of("QUIRE_DB_POOL_SIZE", "101"),
                Map.of("QUIRE_MAX_BODY_BYTES", "1023"), Map.of("QUIRE_MAX_BODY_BYTES", "-1"),
                Map.of("QUIRE_DB_POOL_SIZE", "9999999999999999999999"))) {
            assertThatThrownBy(() -> AppConfig.from(bad)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.keySet().iterator().next());
        }
    }

    @Test
    void anInvalidDatabaseUrlIsNotEchoedBecauseItMayHoldAPassword() {
        assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_DB_URL", "jdbc:mysql://root:hunter2@db/quire")))
                .hasMessageContaining("QUIRE_DB_URL")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void corsOriginsMustBeBareOrigins() {
        for (String bad : List.of("app.example", "https://app.example/", "https://app.example/path", "null",
                "ftp://app.example", "https://user@app.example")) {
            assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_CORS_ORIGINS", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("QUIRE_CORS_ORIGINS");
        }
        assertThat(AppConfig.from(Map.of("QUIRE_CORS_ORIGINS", "*")).corsOrigins()).containsExactly("*");
    }

    @Test
    void systemPropertiesOverrideTheEnvironment() {
        var environment = Map.of("QUIRE_DB_POOL_SIZE", "5", "QUIRE_LOG_FORMAT", "text", "PATH", "/usr/bin");
        var properties = new Properties();
        properties.setProperty("quire.db.pool.size", "7");
        properties.setProperty("java.version", "17");

        var config = AppConfig.from(environment, properties);

        assertThat(config.database().poolSize()).isEqualTo(7);
        assertThat(config.logFormat()).isEqualTo(AppConfig.LogFormat.TEXT);
    }

    @Test
    void anInvalidSystemPropertyIsReportedUnderItsSettingName() {
        var properties = new Properties();
        properties.setProperty("quire.max.body.bytes", "huge");

        assertThatThrownBy(() -> AppConfig.from(Map.of(), properties)).hasMessageContaining("QUIRE_MAX_BODY_BYTES");
    }

    @Test
    void theDatabaseSettingsNeverPrintThePassword() {
        var settings = new HashMap<String, String>();
        settings.put("QUIRE_DB_URL", "jdbc:postgresql://db/quire?password=inline-secret");
        settings.put("QUIRE_DB_PASSWORD", "hunter2");

        String printed = AppConfig.from(settings).database().toString();

        assertThat(printed).doesNotContain("hunter2", "inline-secret").contains("jdbc:postgresql://db/quire");
    }

    @Test
    void theMetricsTokenIsOptionalLongAndNeverPrinted() {
        assertThat(AppConfig.from(Map.of()).metricsTokenIfSet()).isEmpty();

        var config = AppConfig.from(Map.of("QUIRE_METRICS_TOKEN", "  a-scrape-token-0123456789  "));
        assertThat(config.metricsTokenIfSet()).contains("a-scrape-token-0123456789");
        assertThat(config.toString()).doesNotContain("a-scrape-token").contains("metricsToken=(set)");

        assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_METRICS_TOKEN", "short-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("QUIRE_METRICS_TOKEN must be at least 16 characters")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void noProxyIsTrustedUnlessNamed() {
        assertThat(AppConfig.from(Map.of()).trustedProxies().isEmpty()).isTrue();

        var config = AppConfig.from(Map.of("QUIRE_TRUSTED_PROXIES", "10.0.0.5, 172.18.0.0/16,fd00::/8"));

        assertThat(config.trustedProxies().isEmpty()).isFalse();
        assertThat(config.toString()).contains("trustedProxies=10.0.0.5,172.18.0.0/16,fd00::/8");
    }

    @Test
    void badTrustedProxiesStopTheStartWithEveryBadEntryAndEveryOtherBadKeyNamed() {
        assertThatThrownBy(() -> AppConfig.from(Map.of(
                "QUIRE_TRUSTED_PROXIES", "10.0.0.5, haproxy, 10.0.0.1/8, 2001:db8::/129",
                "QUIRE_RATE_LIMIT", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("QUIRE_TRUSTED_PROXIES must be comma-separated IP addresses and CIDR ranges",
                        "\"haproxy\"", "did you mean 10.0.0.0/8?", "\"2001:db8::/129\"", "QUIRE_RATE_LIMIT");
    }

    @Test
    void withoutMailSettingsMailsAreLoggedAndLinksPointAtMvnJettyRun() {
        var mail = AppConfig.from(Map.of()).mail();

        assertThat(mail.sends()).isFalse();
        assertThat(mail.links("").base()).isEqualTo("http://localhost:8080");
    }

    @Test
    void readsTheMailSettings() {
        var config = AppConfig.from(Map.of(
                "QUIRE_SMTP_URL", "smtp://quire:hunter2@mail.example.com:587?starttls=required",
                "QUIRE_MAIL_FROM", "Quire <no-reply@example.com>",
                "QUIRE_PUBLIC_URL", "https://quire.example.com/"));

        assertThat(config.mail().smtp().host()).isEqualTo("mail.example.com");
        assertThat(config.mail().from()).isEqualTo("Quire <no-reply@example.com>");
        assertThat(config.mail().links("/ignored").link("/#/verify?token=t"))
                .isEqualTo("https://quire.example.com/#/verify?token=t");
        assertThat(config.toString()).doesNotContain("hunter2").contains("smtp://quire@mail.example.com:587");
    }

    @Test
    void badMailSettingsStopTheStartInOneMessageThatNeverShowsTheSmtpPassword() {
        var settings = Map.of(
                "QUIRE_SMTP_URL", "smtp://quire:hunter2@mail.example.com:99999",
                "QUIRE_MAIL_FROM", "not an address",
                "QUIRE_PUBLIC_URL", "quire.example.com");

        assertThatThrownBy(() -> AppConfig.from(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("QUIRE_SMTP_URL must be smtp://", "the port must be from 1 to 65535",
                        "QUIRE_MAIL_FROM must be one email address", "QUIRE_PUBLIC_URL must be http(s)://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anSmtpServerNeedsASenderAddress() {
        assertThatThrownBy(() -> AppConfig.from(Map.of("QUIRE_SMTP_URL", "smtp://mail.example.com:587")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("QUIRE_MAIL_FROM must be set when QUIRE_SMTP_URL is");
    }
}
