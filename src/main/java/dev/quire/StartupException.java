package dev.quire;

/**
 * Quire cannot start. Carries no stack trace: the message says everything (the cause, if any, has been logged
 * in full already), and the container prints it as one line instead of a wall of frames.
 */
class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message, null, false, false);
    }
}
