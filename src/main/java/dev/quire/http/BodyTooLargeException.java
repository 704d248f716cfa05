package dev.quire.http;

import java.io.IOException;

/** Thrown while reading a request body that has grown past the limit; it travels up through any JSON parser. */
final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long limit) {
        super("The request body is larger than the limit of " + limit + " bytes.");
    }
}
