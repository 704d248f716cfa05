package dev.quire.identity;

/** Sign-up input, as the client sent it; the service checks and normalises every field. */
record NewAccount(String email, String password, String displayName) {
    @Override
    public String toString() {
        return "NewAccount[email=" + email + ", password=(secret), displayName=" + displayName + "]";
    }
}
