package dev.quire.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.mail.SmtpSettings.Security;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** QUIRE_SMTP_URL as read, the links in mails, and that a password is never printed. */
class MailSettingsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smtp://mail.example.com                               | STARTTLS_WHEN_OFFERED | mail.example.com | 25  | ''",
        "smtp://mail.example.com:587                           | STARTTLS_WHEN_OFFERED | mail.example.com | 587 | ''",
        "smtp://mail.example.com:587?starttls=required         | STARTTLS_REQUIRED     | mail.example.com | 587 | ''",
        "SMTP://mail.example.com:587/?STARTTLS=REQUIRED        | STARTTLS_REQUIRED     | mail.example.com | 587 | ''",
        "smtps://mail.example.com                              | TLS                   | mail.example.com | 465 | ''",
        "smtps://apikey:s3cret@smtp.example.net:2465           | TLS                   | smtp.example.net | 2465 | apikey",
        "smtp://127.0.0.1:2525                                 | STARTTLS_WHEN_OFFERED | 127.0.0.1        | 2525 | ''",
    })
    void readsTheSecurityHostPortAndUser(String url, Security security, String host, int port, String user) {
        var smtp = SmtpSettings.parse(url);

        assertThat(smtp.security()).isEqualTo(security);
        assertThat(smtp.host()).isEqualTo(host);
        assertThat(smtp.port()).isEqualTo(port);
        assertThat(smtp.user()).isEqualTo(user);
    }

    @Test
    void aUserNameAndPasswordArePercentDecodedWithPlusKeptAsAPlus() {
        var smtp = SmtpSettings.parse("smtp://no-reply%40example.com:p%40ss+w%3Ard%23@mail.example.com:587");

        assertThat(smtp.user()).isEqualTo("no-reply@example.com");
        assertThat(smtp.password()).isEqualTo("p@ss+w:rd#");
        assertThat(smtp.authenticates()).isTrue();
        assertThat(smtp.describe()).isEqualTo("smtp://no-reply%40example.com@mail.example.com:587");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://hunter2@mail.example.com", "smtp://user:hunter2@", "smtp://user:hunter2@mail.example.com:0",
        "smtp://user:hunter2@mail.example.com:70000", "smtp://user:hunter2@mail.example.com/path",
        "smtp://user:hunter2@mail.example.com?starttls=maybe", "smtps://user:hunter2@mail.example.com?starttls=required",
        "smtp://user:hunter2#x@mail.example.com", "smtp://:hunter2@mail.example.com", "smtp://user:hunter2%zz@mail.example.com",
        "smtp://user:hun ter2@mail.example.com", "mail.example.com:25",
    })
    void aMalformedUrlIsRefusedWithoutRepeatingIt(String url) {
        assertThatThrownBy(() -> SmtpSettings.parse(url)).isInstanceOf(SmtpSettings.InvalidUrlException.class)
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("mail.example.com");
    }

    @Test
    void thePasswordIsNeverPrinted() {
        var smtp = SmtpSettings.parse("smtp://quire:hunter2@mail.example.com:587?starttls=required");
        var settings = new MailSettings(smtp, "Quire <no-reply@example.com>", "https://quire.example.com");

        assertThat(smtp.toString()).doesNotContain("hunter2").contains("password=(set)");
        assertThat(smtp.describe()).isEqualTo("smtp://quire@mail.example.com:587?starttls=required");
        assertThat(settings.toString()).doesNotContain("hunter2").contains("smtp://quire@mail.example.com:587");
    }

    @Test
    void linksStartWithThePublicUrl() {
        var settings = new MailSettings(null, MailSettings.DEVELOPMENT_FROM, "https://example.com/quire");

        assertThat(settings.links("/ignored").link("/#/verify?token=abc"))
                .isEqualTo("https://example.com/quire/#/verify?token=abc");
        assertThat(new MailLinks("https://quire.example.com/").link("/#/reset?token=x"))
                .isEqualTo("https://quire.example.com/#/reset?token=x");
        assertThatThrownBy(() -> new MailLinks("https://quire.example.com").link("#/reset"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutAPublicUrlLinksPointAtMvnJettyRunUnderTheContextPath() {
        var settings = new MailSettings(null, MailSettings.DEVELOPMENT_FROM, null);

        assertThat(settings.links("").link("/#/verify?token=abc")).isEqualTo("http://localhost:8080/#/verify?token=abc");
        assertThat(settings.links("/quire").link("/#/verify?token=abc"))
                .isEqualTo("http://localhost:8080/quire/#/verify?token=abc");
    }
}
