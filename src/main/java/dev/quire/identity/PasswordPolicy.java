package dev.quire.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * NIST SP 800-63B's rules for passwords people choose: 8 to 128 characters, any characters, no composition
 * rules, but not one of the commonly used passwords and not the account's own email address. Passwords are
 * NFKC-normalised before they are checked or hashed, so the same password typed on another keyboard matches.
 */
final class PasswordPolicy {
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 128;
    private static final String COMMON_PASSWORDS = "common-passwords.txt";

    private final Set<String> common;

    PasswordPolicy(Set<String> commonPasswords) {
        this.common = Set.copyOf(commonPasswords);
    }

    /** The policy with the bundled list of common passwords. */
    static PasswordPolicy withBundledList() {
        var passwords = new HashSet<String>();
        try (var in = PasswordPolicy.class.getResourceAsStream(COMMON_PASSWORDS);
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    passwords.add(line.trim().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + COMMON_PASSWORDS, e);
        }
        return new PasswordPolicy(passwords);
    }

    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    int size() {
        return common.size();
    }

    /** What is wrong with a (normalised) password for the account with this email, as a field message. */
    Optional<String> problemWith(String password, String email) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return Optional.of("must be at least " + MIN_LENGTH + " characters");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower)) {
            return Optional.of("is one of the most commonly used passwords; choose one that is harder to guess");
        }
        if (email != null) {
            String emailLower = email.toLowerCase(Locale.ROOT);
            int at = emailLower.indexOf('@');
            if (lower.equals(emailLower) || (at > 0 && lower.equals(emailLower.substring(0, at)))) {
                return Optional.of("must not be your email address");
            }
        }
        return Optional.empty();
    }
}
