package dev.quire.shared;

/**
 * Checks every piece of free text a client sends passes before it is stored. The rules, the same for every field:
 * white space at either end is stripped — any Unicode white space (tabs and line breaks, the no-break space
 * U+00A0, the ideographic space U+3000, ...) and the invisible zero-width spaces (U+200B, U+2060, U+FEFF) — so text
 * made only of those is blank; control characters are refused wherever they are, never removed; tabs and line
 * breaks inside the text only where a field is multi-line.
 */
public final class Text {
    private Text() {}

    /** The text without white space (see above) at either end. */
    public static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Whether the text is empty once stripped of white space. */
    public static boolean isBlank(String text) {
        return strip(text).isEmpty();
    }

    /**
     * Unicode's White_Space property (Java's isWhitespace leaves out the no-break spaces, isSpaceChar the controls
     * among them), and the zero-width spaces that show as nothing. All of them are in the Basic Multilingual Plane.
     */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) && !(c >= '\u001c' && c <= '\u001f') || Character.isSpaceChar(c)
                || c == '\u0085' || c == '\u200b' || c == '\u2060' || c == '\ufeff';
    }

    /** Length as people count it: code points, so an emoji is one character, not two. */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * True for text that cannot be stored faithfully or displayed safely: control characters (NUL above all,
     * which PostgreSQL cannot store in text) and unpaired surrogates (not encodable as UTF-8). Tabs and line
     * breaks are allowed only where {@code multiline} is.
     */
    public static boolean isUnsafe(String text, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
