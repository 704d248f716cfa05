package dev.quire.rest;

import dev.quire.shared.BadParameterException;
import dev.quire.shared.Preconditions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Entity tags for versioned resources ({@code "3"} is version 3) and the conditional headers that carry them
 * (RFC 9110 section 13): If-Match compares strongly (the exact text; a weak tag never matches), If-None-Match
 * weakly (the text inside the quotes).
 */
public final class EntityTags {
    private static final String SYNTAX = "must be * or a list of entity tags such as \"3\"";

    private EntityTags() {}

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The request's If-Match and If-None-Match as conditions on the version.
     *
     * @throws BadParameterException naming a header that is not valid entity-tag syntax
     */
    public static Preconditions preconditions(HttpServletRequest request) {
        var ifMatch = parse("If-Match", Collections.list(request.getHeaders(HttpHeaders.IF_MATCH)));
        var ifNoneMatch = parse("If-None-Match", Collections.list(request.getHeaders(HttpHeaders.IF_NONE_MATCH)));
        Set<Long> allowed = null;
        if (ifMatch != null && !ifMatch.any()) {
            allowed = new HashSet<>();
            for (Tag tag : ifMatch.tags()) {
                if (!tag.weak()) {
                    versionOf(tag).ifPresent(allowed::add);
                }
            }
        }
        var excluded = new HashSet<Long>();
        if (ifNoneMatch != null && !ifNoneMatch.any()) {
            ifNoneMatch.tags().forEach(tag -> versionOf(tag).ifPresent(excluded::add));
        }
        return new Preconditions(allowed, excluded, ifNoneMatch != null && ifNoneMatch.any());
    }

    /** The version a tag names, if it is one of Quire's: digits exactly as Quire writes them ("1", not "01"). */
    private static Optional<Long> versionOf(Tag tag) {
        return tag.opaque().matches("0|[1-9][0-9]{0,17}")
                ? Optional.of(Long.parseLong(tag.opaque()))
                : Optional.empty();
    }

    private record Tag(boolean weak, String opaque) {}

    private record Condition(boolean any, List<Tag> tags) {}

    /** A header's tags, or null when the header is absent. */
    private static Condition parse(String header, List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        String text = String.join(",", values).trim();
        if (text.equals("*")) {
            return new Condition(true, List.of());
        }
        var tags = new ArrayList<Tag>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            boolean weak = text.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i >= text.length() || text.charAt(i) != '"') {
                throw new BadParameterException(header, SYNTAX);
            }
            int end = i + 1;
            while (end < text.length() && isTagCharacter(text.charAt(end))) {
                end++;
            }
            if (end >= text.length() || text.charAt(end) != '"') {
                throw new BadParameterException(header, SYNTAX);
            }
            tags.add(new Tag(weak, text.substring(i + 1, end)));
            i = end + 1;
            if (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                throw new BadParameterException(header, SYNTAX);
            }
        }
        if (tags.isEmpty()) {
            throw new BadParameterException(header, SYNTAX);
        }
        return new Condition(false, tags);
    }

    /** etagc: any visible character but the double quote, and non-ASCII text. */
    private static boolean isTagCharacter(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80;
    }
}
