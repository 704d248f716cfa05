package dev.quire.mail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where and how to hand mails to an SMTP server, read from {@code QUIRE_SMTP_URL}:
 * {@code smtp://[user:password@]host[:port]} (port 25 unless given; STARTTLS whenever the server offers it),
 * {@code smtp://…?starttls=required} (refuse to send unless the connection is upgraded to TLS), or
 * {@code smtps://[user:password@]host[:port]} (TLS from the first byte, port 465 unless given). A user name or
 * password with reserved characters is percent-encoded ({@code p%40ss} for {@code p@ss}). Certificates are checked
 * against the JVM's trust store and the host name, in every TLS mode.
 */
public record SmtpSettings(Security security, String host, int port, String user, String password) {

    /** How the connection is protected. */
    public enum Security {
        /** STARTTLS if the server offers it, else plain text (smtp://). */
        STARTTLS_WHEN_OFFERED,
        /** STARTTLS or no mail (smtp://…?starttls=required). */
        STARTTLS_REQUIRED,
        /** TLS from the first byte (smtps://). */
        TLS
    }

    /** What a malformed {@code QUIRE_SMTP_URL} is: the message never repeats the URL, which may hold a password. */
    public static final class InvalidUrlException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidUrlException(String message) {
            super(message);
        }
    }

    /**
     * Reads an SMTP URL.
     *
     * @throws InvalidUrlException saying what is wrong with it, without repeating it
     */
    public static SmtpSettings parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new InvalidUrlException("it is not a URL (reserved characters in the user name or password are"
                    + " percent-encoded, such as %40 for @)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
            throw new InvalidUrlException("the scheme must be smtp or smtps");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidUrlException("it names no host");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new InvalidUrlException("it has a path; only smtp://[user:password@]host[:port] is read");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidUrlException("it has a fragment (#); a # in a password is written %23");
        }
        Security security = scheme.equals("smtps") ? Security.TLS : Security.STARTTLS_WHEN_OFFERED;
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            if (!scheme.equals("smtp") || !query.equalsIgnoreCase("starttls=required")) {
                throw new InvalidUrlException("the only parameter read is ?starttls=required, on smtp://");
            }
            security = Security.STARTTLS_REQUIRED;
        }
        int port = uri.getPort();
        if (port == -1) {
            port = security == Security.TLS ? 465 : 25;
        } else if (port < 1 || port > 65535) {
            throw new InvalidUrlException("the port must be from 1 to 65535");
        }
        String user = "";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                throw new InvalidUrlException("it has a password but no user name");
            }
        }
        return new SmtpSettings(security, uri.getHost(), port, user, password);
    }

    /** Whether the server is to be logged in to (SMTP AUTH). */
    public boolean authenticates() {
        return !user.isEmpty();
    }

    /** The URL without the password, for the log. */
    public String describe() {
        String scheme = security == Security.TLS ? "smtps" : "smtp";
        String query = security == Security.STARTTLS_REQUIRED ? "?starttls=required" : "";
        String login = user.replace("%", "%25").replace("@", "%40").replace(":", "%3A");
        return scheme + "://" + (user.isEmpty() ? "" : login + "@") + host + ":" + port + query;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "SmtpSettings[" + describe() + (password.isEmpty() ? "" : ", password=(set)") + "]";
    }

    /** Percent-decoding as in a URL's user info, where '+' is a plus sign (unlike a form's). */
    private static String decode(String raw) {
        var bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new InvalidUrlException("it has a malformed percent-encoding in the user name or password");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new InvalidUrlException("it has a malformed percent-encoding in the user name or password");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
