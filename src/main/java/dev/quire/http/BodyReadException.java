package dev.quire.http;

import java.io.IOException;

/**
 * The container could not deliver the rest of a request body: the client sent it too slowly (a read timeout,
 * Jetty's minimum data rate) or went away in the middle of it. Containers report this in their own ways (an
 * {@code IOException}, a {@code SocketTimeoutException}, the unchecked {@code BadMessageException} of Jetty's
 * deprecated HttpConfiguration data rate); {@link
 * BodyLimitFilter} turns every one into this, so the answer is the same 408 wherever the body was being read.
 */
final class BodyReadException extends IOException {
    static final String DETAIL = "The request body did not arrive completely in time; send the request again.";
    private static final long serialVersionUID = 1L;

    BodyReadException(Throwable cause) {
        super("Reading the request body failed: " + cause, cause);
    }

    /** What the container said, for a log line without a stack trace. */
    String reason() {
        return String.valueOf(getCause());
    }
}
