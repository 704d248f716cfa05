package dev.quire.shared;

/** Checks every piece of free text a client sends passes before it is stored. */
public final class Text {
    private Text() {}

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
