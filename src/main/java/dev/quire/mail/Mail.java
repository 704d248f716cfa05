package dev.quire.mail;

/**
 * A mail to send: one recipient (an email address), a subject line and a plain-text body. Links go in the text,
 * built with {@link MailLinks#link}.
 */
public record Mail(String to, String subject, String text) {}
