package dev.quire.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The query of a link: parameters in the order added, values percent-encoded (spaces as %20). */
public final class QueryString {
    private final Map<String, String> parameters = new LinkedHashMap<>();

    public static QueryString of() {
        return new QueryString();
    }

    /** Adds the parameter unless {@code value} is null. */
    public QueryString add(String name, Object value) {
        if (value != null) {
            parameters.put(name, value.toString());
        }
        return this;
    }

    /** "?a=1&b=2", or "" when there are no parameters. */
    @Override
    public String toString() {
        return parameters.isEmpty() ? "" : parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
