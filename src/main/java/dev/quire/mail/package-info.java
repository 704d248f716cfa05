/**
 * Mail: the outbox a change writes its mails to in its own transaction ({@link dev.quire.mail.MailOutbox}), the sender
 * that delivers them over SMTP after commit with retries ({@link dev.quire.mail.MailSender}), or logs them when no
 * SMTP server is configured, and the base URL of the links in mails ({@link dev.quire.mail.MailLinks}). Below the
 * features, like {@code events}: it knows mails as rows and messages, not accounts or tokens. Owns the
 * {@code mail_outbox} table.
 */
package dev.quire.mail;
