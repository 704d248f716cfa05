package dev.quire.http;

import dev.quire.shared.BadParameterException;
import dev.quire.shared.ExpectedVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Entity tags for versioned resources ({@code "3"} is version 3) and the conditional headers that carry them
 * (RFC 9110 section 13): If-Match compares strongly (a weak tag never matches), If-None-Match weakly.
 */
public final class EntityTags {
    private static final String SYNTAX = "must be * or a list of entity tags such as \"3\"";

    private EntityTags() {}

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The versions an If-Match header allows: any for no header or {@code *}; otherwise the versions of its strong
     * tags (a tag that is not one of Quire's allows none, so the write fails with 412).
     *
     * @throws BadParameterException when the header is not valid entity-tag syntax
     */
    public static ExpectedVersion ifMatch(List<String> headers) {
        if (headers == null || headers.isEmpty()) {
            return ExpectedVersion.ANY;
        }
        var tags = parse("If-Match", String.join(",", headers));
        if (tags == null) {
            return ExpectedVersion.ANY;
        }
        var versions = new HashSet<Long>();
        for (Tag tag : tags) {
            if (!tag.weak() && tag.opaque().matches("[0-9]{1,18}")) {
                versions.add(Long.parseLong(tag.opaque()));
            }
        }
        return ExpectedVersion.oneOf(versions);
    }

    /**
     * Whether an If-None-Match header matches the current entity tag, so a GET can answer 304.
     *
     * @throws BadParameterException when the header is not valid entity-tag syntax
     */
    public static boolean ifNoneMatchMatches(List<String> headers, String currentTag) {
        if (headers == null || headers.isEmpty()) {
            return false;
        }
        var tags = parse("If-None-Match", String.join(",", headers));
        if (tags == null) {
            return true;
        }
        String current = currentTag.substring(1, currentTag.length() - 1);
        return tags.stream().anyMatch(tag -> tag.opaque().equals(current));
    }

    private record Tag(boolean weak, String opaque) {}

    /** The tags of a header, or null for {@code *}. */
    private static List<Tag> parse(String header, String value) {
        String text = value.trim();
        if (text.equals("*")) {
            return null;
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
        return tags;
    }

    /** etagc: any visible character but the double quote, and non-ASCII text. */
    private static boolean isTagCharacter(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80;
    }
}
