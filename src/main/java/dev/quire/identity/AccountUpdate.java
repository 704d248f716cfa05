package dev.quire.identity;

/**
 * What a merge patch of an account asks to change; a field it leaves alone is not "changed".
 *
 * @param currentPassword required when the email changes
 */
public record AccountUpdate(boolean changesDisplayName, String displayName, boolean changesEmail, String email,
                            String currentPassword) {
    @Override
    public String toString() {
        return "AccountUpdate[displayName=" + displayName + ", email=" + email + ", currentPassword=(secret)]";
    }
}
