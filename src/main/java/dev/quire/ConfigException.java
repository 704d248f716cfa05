package dev.quire;

/** The settings Quire was given are invalid; the message names every bad key. */
final class ConfigException extends StartupException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
