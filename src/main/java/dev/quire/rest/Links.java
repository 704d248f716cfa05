package dev.quire.rest;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hypermedia links as {@code _links: {rel: {href}}}. Every href is an absolute path that includes the
 * context path, so links stay right wherever the WAR is deployed ({@code /} or {@code /quire}).
 */
public final class Links {
    public record Link(String href) {}

    private final String contextPath;
    private final Map<String, Link> links = new LinkedHashMap<>();

    private Links(String contextPath) {
        this.contextPath = contextPath;
    }

    public static Links from(HttpServletRequest request) {
        return new Links(request.getContextPath());
    }

    /** Adds {@code rel} pointing at {@code path}, a path inside the application starting with '/'. */
    public Links add(String rel, String path) {
        links.put(rel, new Link(contextPath + path));
        return this;
    }

    /** The href of a relation added earlier. */
    public String href(String rel) {
        return links.get(rel).href();
    }

    @JsonValue
    public Map<String, Link> asMap() {
        return Collections.unmodifiableMap(links);
    }
}
