package dev.quire.identity;

/** A key just created, with its secret: the only time the secret exists in clear. */
public record CreatedApiKey(String secret, ApiKey key) {
    @Override
    public String toString() {
        return "CreatedApiKey[secret=(secret), key=" + key + "]";
    }
}
