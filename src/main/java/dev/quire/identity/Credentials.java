package dev.quire.identity;

public record Credentials(String email, String password) {
    @Override
    public String toString() {
        return "Credentials[email=" + email + ", password=(secret)]";
    }
}
