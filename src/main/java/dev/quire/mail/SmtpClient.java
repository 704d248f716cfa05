package dev.quire.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Hands messages to the configured SMTP server through Jakarta Mail (Eclipse Angus), keeping one connection open
 * while there is more to send ({@link #idle} closes it). Every network step is bounded by the timeout, so a send
 * that hangs ends with a failure rather than holding the sender.
 */
final class SmtpClient implements AutoCloseable {
    /** A failure that sending again will not mend (the server refused the recipient or the message for good). */
    static final class PermanentFailure extends Exception {
        private static final long serialVersionUID = 1L;

        PermanentFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SmtpSettings smtp;
    private final InternetAddress from;
    private final Session session;
    private final String protocol;
    private Transport transport;

    SmtpClient(SmtpSettings smtp, String from, Duration timeout) {
        this.smtp = smtp;
        try {
            this.from = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("Not a sender address: " + from, e);
        }
        this.protocol = smtp.security() == SmtpSettings.Security.TLS ? "smtps" : "smtp";
        var properties = new Properties();
        String prefix = "mail." + protocol + ".";
        String millis = Long.toString(timeout.toMillis());
        properties.setProperty(prefix + "connectiontimeout", millis);
        properties.setProperty(prefix + "timeout", millis);
        properties.setProperty(prefix + "writetimeout", millis);
        properties.setProperty(prefix + "auth", Boolean.toString(smtp.authenticates()));
        // in every TLS mode the certificate must be trusted and name the host
        properties.setProperty(prefix + "ssl.checkserveridentity", "true");
        if (smtp.security() != SmtpSettings.Security.TLS) {
            properties.setProperty(prefix + "starttls.enable", "true");
            properties.setProperty(prefix + "starttls.required",
                    Boolean.toString(smtp.security() == SmtpSettings.Security.STARTTLS_REQUIRED));
        }
        this.session = Session.getInstance(properties);
    }

    /**
     * Sends one mail, connecting first if no connection is open.
     *
     * @param messageId the Message-ID header: the same for every attempt at the same mail, so that a receiving
     *                  system that sees a mail twice (the rare duplicate) can tell
     * @throws PermanentFailure if the server refused the recipient or the message with a 5xx reply, or the
     *                          recipient is not an address
     * @throws MessagingException for anything worth another attempt (connection, timeout, 4xx, login)
     */
    void send(Mail mail, String messageId, Instant created) throws MessagingException, PermanentFailure {
        InternetAddress to;
        try {
            to = new InternetAddress(mail.to(), true);
        } catch (AddressException e) {
            throw new PermanentFailure("the recipient is not an email address", e);
        }
        if (!to.getAddress().equals(mail.to())) {
            // "x<someone@else>" reads as a name and another address: a mail goes only to the address as stored
            throw new PermanentFailure("the recipient is not a plain email address", null);
        }
        var message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, to);
        // a subject is one line: line breaks in it would start new header fields
        message.setSubject(mail.subject().replaceAll("[\\r\\n]+", " "), "UTF-8");
        message.setText(mail.text(), "UTF-8");
        message.setSentDate(Date.from(created));
        message.saveChanges();
        try {
            if (transport == null || !transport.isConnected()) {
                close();
                transport = session.getTransport(protocol);
                transport.connect(smtp.host(), smtp.port(), smtp.authenticates() ? smtp.user() : null,
                        smtp.authenticates() ? smtp.password() : null);
            }
            transport.sendMessage(message, message.getAllRecipients());
        } catch (SMTPAddressFailedException e) {
            close();
            if (e.getReturnCode() >= 500) {
                throw new PermanentFailure("the server refused the recipient: " + e.getReturnCode(), e);
            }
            throw e;
        } catch (SendFailedException e) {
            close();
            int code = replyCode(e);
            if (code >= 500) {
                throw new PermanentFailure("the server refused the mail: " + code, e);
            }
            throw e;
        } catch (MessagingException e) {
            close();
            throw e;
        }
    }

    /** The SMTP reply code behind a send failure, or 0 when there was none (a connection failure). */
    private static int replyCode(SendFailedException e) {
        if (e instanceof SMTPSendFailedException failed) {
            return failed.getReturnCode();
        }
        for (Exception next = e.getNextException(); next != null;
                next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException failed) {
                return failed.getReturnCode();
            }
            if (next instanceof SMTPSendFailedException failed) {
                return failed.getReturnCode();
            }
        }
        return 0;
    }

    /** Nothing more to send for now: closes the connection. */
    void idle() {
        close();
    }

    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                // closing anyway
            }
            transport = null;
        }
    }
}
