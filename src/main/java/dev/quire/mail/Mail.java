package dev.quire.mail;

import java.util.Objects;

/**
 * A mail to send: one recipient (an email address), a subject line and a plain-text body. Links go in the text,
 * built with {@link MailLinks#link}.
 */
public record Mail(String to, String subject, String text) {
    public Mail {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
    }
}
