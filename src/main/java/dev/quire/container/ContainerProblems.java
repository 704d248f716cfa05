package dev.quire.container;

import dev.quire.http.Problem;

/**
 * The details of problems the container raises itself, in plain words. Only the status is certain; the container's
 * own reason (Jetty's English phrases, which are constants of its code) refines it where it names the cause. The same
 * words are in docker/tomcat/valve, which cannot use Quire's classes.
 */
final class ContainerProblems {
    static final String AMBIGUOUS_PATH =
            "The request path contains an empty, '.', '..' or encoded segment that could be read two ways.";
    static final String INVALID_TARGET = "The request target is not a valid URI path.";
    static final String NO_HOST = "HTTP/1.1 requires a Host header.";
    static final String VERSION = "Only HTTP/1.0 and HTTP/1.1 are supported.";
    static final String FRAMING = "The request's Transfer-Encoding or Content-Length is invalid.";
    static final String MALFORMED = "The request is malformed: its request line or a header could not be read.";
    static final String UNAVAILABLE = "The server cannot answer right now (it may be stopping): try again shortly.";

    private ContainerProblems() {}

    /**
     * The detail for a status the container answered, given its reason phrase and the request's path (either may be
     * null) and its limit on the request line and headers, in bytes.
     */
    static String detail(int status, String reason, String path, int headerLimit) {
        String why = reason == null ? "" : reason;
        return switch (status) {
            case 400 -> {
                if (why.startsWith("Ambiguous URI")) {
                    yield AMBIGUOUS_PATH;
                } else if (why.equals("No Host")) {
                    yield NO_HOST;
                } else if (why.contains("Transfer-Encoding") || why.contains("Content-Length")) {
                    yield FRAMING;
                } else if (why.contains("Path") || why.contains("URI") || why.contains("encoding")) {
                    yield INVALID_TARGET;
                }
                yield MALFORMED;
            }
            case 414 -> "The request target is longer than the server accepts (" + kib(headerLimit) + ").";
            case 431 -> "The request's headers are larger than the server accepts (" + kib(headerLimit) + " in all).";
            case 426, 505 -> VERSION;
            case 404 -> path != null ? Problem.notFoundDetail(path) : Problem.title(status) + ".";
            case 503 -> UNAVAILABLE;
            case 500 -> Problem.UNEXPECTED_DETAIL;
            default -> Problem.title(status) + ".";
        };
    }

    private static String kib(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }
}
