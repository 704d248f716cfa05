package dev.quire.mail;

/**
 * The mail settings: the SMTP server ({@code QUIRE_SMTP_URL}; null: mails are logged, not sent), the sender address
 * ({@code QUIRE_MAIL_FROM}) and Quire's public base URL for the links in mails ({@code QUIRE_PUBLIC_URL}; null: the
 * development default, {@link MailLinks#development}).
 */
public record MailSettings(SmtpSettings smtp, String from, String publicUrl) {
    /** The sender address of logged mails when no SMTP server (and so no sender address) is configured. */
    public static final String DEVELOPMENT_FROM = "Quire <no-reply@localhost>";

    public boolean sends() {
        return smtp != null;
    }

    /** The links in mails: from the public URL, or the development default under this context path. */
    public MailLinks links(String contextPath) {
        return publicUrl == null ? MailLinks.development(contextPath) : new MailLinks(publicUrl);
    }

    /** Never prints the SMTP password. */
    @Override
    public String toString() {
        return "MailSettings[smtp=" + (smtp == null ? "(none: mails are logged)" : smtp.describe()) + ", from=" + from
                + ", publicUrl=" + (publicUrl == null ? "(none)" : publicUrl) + "]";
    }
}
