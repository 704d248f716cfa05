package dev.quire.books;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The folded forms of a book's texts that the catalogue filters, sorts and searches by: lower case, compatibility
 * decomposed and without accents, so that "Gödel", "GODEL" and "Godel" are one key. Keys are compared by code point
 * on both databases, so the order never depends on a server's locale.
 */
final class BookKeys {
    /** The longest key kept; a key is for ordering and matching, and 1000 characters order any real title. */
    static final int MAX_KEY_LENGTH = 1000;
    /** The longest word kept in the search index. */
    static final int MAX_WORD_LENGTH = 100;
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private BookKeys() {}

    /** The folded text, cut to {@link #MAX_KEY_LENGTH} characters (never inside a surrogate pair). */
    static String key(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String folded = MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFKD)).replaceAll("");
        return cut(folded, MAX_KEY_LENGTH);
    }

    /**
     * The words of the texts, as the search index keeps them: the runs of letters and digits in their keys, each
     * once, each cut to {@link #MAX_WORD_LENGTH}. "The Hitchhiker's Guide" is {@code the, hitchhiker, s, guide}.
     */
    static List<String> words(String... texts) {
        var words = new LinkedHashSet<String>();
        for (String text : texts) {
            for (String word : NOT_WORD.split(key(text))) {
                if (!word.isEmpty()) {
                    words.add(cut(word, MAX_WORD_LENGTH));
                }
            }
        }
        return new ArrayList<>(words);
    }

    private static String cut(String text, int length) {
        if (text.length() <= length) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length;
        return text.substring(0, end);
    }
}
