package dev.quire.identity;

import dev.quire.mail.Mail;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The mails identity sends, each plain text with one link into the page. No display name goes into a mail: anyone
 * can sign up with someone else's address, and a name of their choosing in a mail to that person would be theirs
 * to phish with.
 */
final class AccountMails {
    static final Duration VERIFICATION_TTL = Duration.ofHours(24);
    static final Duration RESET_TTL = Duration.ofMinutes(30);

    private final UnaryOperator<String> link;

    /** @param link the absolute URL of a page path and fragment such as {@code /#/verify?token=…} */
    AccountMails(UnaryOperator<String> link) {
        this.link = link;
    }

    Mail verification(String to, String token, boolean newAddress) {
        String why = newAddress
                ? "You asked to use " + to + " as the email address of your Quire account. To confirm it, open"
                        + " this link:"
                : "Welcome to Quire. To confirm that " + to + " is your email address, open this link:";
        return new Mail(to, "Confirm your email address for Quire", why + "\n\n"
                + link.apply("/#/verify?token=" + token) + "\n\n"
                + "The link works once, within 24 hours. If you did not ask for this, ignore this mail: nothing"
                + " changes.\n");
    }

    Mail reset(String to, String token) {
        return new Mail(to, "Reset your Quire password", "Someone asked to reset the password of the Quire account"
                + " with the email address " + to + ". To choose a new password, open this link:\n\n"
                + link.apply("/#/reset?token=" + token) + "\n\n"
                + "The link works once, within 30 minutes. Choosing a new password signs the account out everywhere."
                + " If you did not ask for this, ignore this mail: your password stays as it is.\n");
    }

    Mail emailChanged(String oldAddress, String newAddress) {
        return new Mail(oldAddress, "Your Quire email address was changed", "The email address of the Quire account"
                + " that used " + oldAddress + " is now " + newAddress + ". Mail for the account, password resets"
                + " included, goes there from now on.\n\n"
                + "If you did not make this change, someone else has your password: tell the people who run this Quire"
                + " server.\n");
    }
}
