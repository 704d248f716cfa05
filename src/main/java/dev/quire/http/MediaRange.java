package dev.quire.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A media type or media range with its parameters, as RFC 9110 writes them in {@code Content-Type} and
 * {@code Accept} (section 8.3.1 and 12.5.1): read strictly, compared by the rules of content negotiation. Types,
 * subtypes and parameter names are case-insensitive and kept in lower case; the weight ({@code q}) of an Accept
 * member is kept apart from the parameters, in thousandths.
 */
record MediaRange(String type, String subtype, Map<String, String> parameters, int weight) {
    /** RFC 9110's {@code tchar}: what a token (a type, a subtype, a parameter name) is made of. */
    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

    MediaRange {
        parameters = Map.copyOf(parameters);
    }

    /**
     * The one media type of a {@code Content-Type} value, or empty when the value is not one (no subtype, a
     * wildcard, a parameter without a value, an unterminated quoted string, text after it).
     */
    static Optional<MediaRange> parseType(String value) {
        var reader = new Reader(value);
        var type = reader.range(false);
        return type.isPresent() && reader.atEnd() && !type.get().isWildcard() ? type : Optional.empty();
    }

    /**
     * The members of an {@code Accept} value, in order (empty list members are allowed and skipped), or empty when
     * the value does not follow the grammar: a member that is not a media range, a weight that is not a qvalue.
     */
    static Optional<List<MediaRange>> parseAccept(String value) {
        var reader = new Reader(value);
        var ranges = new ArrayList<MediaRange>();
        while (true) {
            reader.skipSpace();
            if (reader.atEnd()) {
                return Optional.of(ranges);
            }
            if (!reader.take(',')) {
                var range = reader.range(true);
                if (range.isEmpty()) {
                    return Optional.empty();
                }
                ranges.add(range.get());
                reader.skipSpace();
                if (!reader.atEnd() && !reader.take(',')) {
                    return Optional.empty();
                }
            }
        }
    }

    boolean isWildcard() {
        return type.equals("*") || subtype.equals("*");
    }

    /** The essence: {@code type/subtype} without parameters. */
    String essence() {
        return type + "/" + subtype;
    }

    /** Whether this is JSON: {@code application/json} or a {@code +json} type such as {@code application/merge-patch+json}. */
    boolean isJson() {
        return essence().equals("application/json") || subtype.endsWith("+json");
    }

    /** Whether a {@code charset} parameter, if there is one, names UTF-8: the only encoding Quire reads or writes. */
    boolean isUtf8OrUnlabelled() {
        String charset = parameters.get("charset");
        return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
    }

    /**
     * How much an Accept header made of these ranges wants {@code type} (a type Quire produces, all of whose text is
     * UTF-8), in thousandths: the weight of the most specific range that matches it, 0 when none does (RFC 9110
     * 12.5.1). A range's parameters must all hold for the type, a {@code charset} one by naming UTF-8; so
     * {@code application/json;charset=utf-16} does not match, and {@code application/json;q=0} excludes JSON even
     * next to a {@code *}{@code /*}.
     */
    static int quality(List<MediaRange> accept, MediaRange type) {
        int bestSpecificity = -1;
        int quality = 0;
        for (MediaRange range : accept) {
            if (range.matches(type)) {
                int specificity = range.specificity();
                if (specificity > bestSpecificity || (specificity == bestSpecificity && range.weight > quality)) {
                    bestSpecificity = specificity;
                    quality = range.weight;
                }
            }
        }
        return quality;
    }

    private boolean matches(MediaRange candidate) {
        if (!(type.equals("*") || type.equals(candidate.type)) || !(subtype.equals("*")
                || subtype.equals(candidate.subtype))) {
            return false;
        }
        for (var parameter : parameters.entrySet()) {
            boolean holds = parameter.getKey().equals("charset")
                    ? isUtf8OrUnlabelled()
                    : parameter.getValue().equalsIgnoreCase(candidate.parameters.get(parameter.getKey()));
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private int specificity() {
        return (type.equals("*") ? 0 : 1000) + (subtype.equals("*") ? 0 : 100) + parameters.size();
    }

    /** The text of a header value, read left to right by RFC 9110's grammar. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return at >= text.length();
        }

        void skipSpace() {
            while (!atEnd() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
                at++;
            }
        }

        boolean take(char c) {
            if (!atEnd() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        /** {@code type "/" subtype *( OWS ";" OWS [ parameter ] )}, the weight apart when {@code weighted}. */
        Optional<MediaRange> range(boolean weighted) {
            skipSpace();
            String type = token();
            if (type == null || !take('/')) {
                return Optional.empty();
            }
            String subtype = token();
            if (subtype == null || (type.equals("*") && !subtype.equals("*"))) {
                return Optional.empty();
            }
            var parameters = new LinkedHashMap<String, String>();
            int weight = 1000;
            while (true) {
                int mark = at;
                skipSpace();
                if (!take(';')) {
                    at = mark;
                    break;
                }
                skipSpace();
                if (atEnd() || text.charAt(at) == ';' || text.charAt(at) == ',') {
                    continue; // an empty parameter is allowed
                }
                String name = token();
                if (name == null || !take('=')) {
                    return Optional.empty();
                }
                String value = atEnd() || text.charAt(at) != '"' ? token() : quoted();
                if (value == null) {
                    return Optional.empty();
                }
                if (parameters.containsKey(name) || (weighted && parameters.containsKey("q"))) {
                    // a parameter given twice is ambiguous; after the weight, RFC 9110 allows nothing
                    return Optional.empty();
                }
                if (weighted && name.equals("q")) {
                    Integer q = qvalue(value);
                    if (q == null) {
                        return Optional.empty();
                    }
                    weight = q;
                }
                parameters.put(name, value);
            }
            if (weighted) {
                parameters.remove("q");
            }
            return Optional.of(new MediaRange(type, subtype, parameters, weight));
        }

        private String token() {
            int start = at;
            while (!atEnd() && isTokenChar(text.charAt(at))) {
                at++;
            }
            return at == start ? null : text.substring(start, at).toLowerCase(Locale.ROOT);
        }

        private String quoted() {
            var value = new StringBuilder();
            at++; // the opening quote
            while (!atEnd()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        return null;
                    }
                    c = text.charAt(at++);
                }
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return null;
                }
                value.append(c);
            }
            return null;
        }

        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_CHARS.indexOf(c) >= 0;
        }

        /** {@code ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )} in thousandths, or null. */
        private static Integer qvalue(String value) {
            if (!value.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
                return null;
            }
            String digits = (value.length() > 2 ? value.substring(2) : "") + "000";
            return Integer.parseInt(value.substring(0, 1)) * 1000 + Integer.parseInt(digits.substring(0, 3));
        }
    }
}
