package dev.quire.mail;

/**
 * The links in mails: Quire's public base URL ({@code QUIRE_PUBLIC_URL}, such as {@code https://quire.example.com}
 * or {@code https://example.com/quire}) followed by a path and query under it. Never taken from a request's
 * {@code Host} header: anyone can write that, and a reset mail must not point at an attacker's site.
 */
public final class MailLinks {
    /** Where {@code mvn jetty:run} serves Quire, for the links when no public URL is set. */
    public static final String DEVELOPMENT_ORIGIN = "http://localhost:8080";

    private final String base;

    /** @param base the public base URL, without a trailing slash */
    public MailLinks(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * The base used when no public URL is set: {@link #DEVELOPMENT_ORIGIN} and the context path, which is right for
     * {@code mvn jetty:run} on its default port and wrong anywhere else (the start-up log says so).
     */
    public static MailLinks development(String contextPath) {
        return new MailLinks(DEVELOPMENT_ORIGIN + contextPath);
    }

    /** The public base URL, without a trailing slash. */
    public String base() {
        return base;
    }

    /** The absolute link to {@code pathAndQuery} (which starts with '/', such as {@code /#/verify?token=...}). */
    public String link(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("A link's path starts with '/': " + pathAndQuery);
        }
        return base + pathAndQuery;
    }
}
