package dev.quire.books;

import java.util.Map;
import java.util.Optional;

/**
 * Picks the correction of a misspelt search word from the catalogue's own words: the closest by optimal string
 * alignment distance (insertions, deletions, substitutions and swaps of two neighbours each count one), within
 * {@link #maxEdits} of the word, with the same first letter; among equally close ones, the word of the most books,
 * then the first alphabetically. Both stores use it, so a typo is corrected the same way on every database.
 */
final class Spelling {
    private Spelling() {}

    /** Edits allowed: none up to 2 characters, one up to 5, two beyond (the "AUTO" rule of search engines). */
    static int maxEdits(String word) {
        int length = word.codePointCount(0, word.length());
        return length <= 2 ? 0 : length <= 5 ? 1 : 2;
    }

    /**
     * @param candidates words of the catalogue with the number of books that have each ({@link BookStore#wordsLike})
     * @return the correction, or empty when the word is a word of the catalogue or nothing is close enough
     */
    static Optional<String> correction(String word, Map<String, Long> candidates) {
        int max = maxEdits(word);
        if (max == 0 || candidates.containsKey(word)) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        long bestBooks = -1;
        for (var candidate : candidates.entrySet()) {
            String other = candidate.getKey();
            if (other.isEmpty() || other.codePointAt(0) != word.codePointAt(0)) {
                continue;
            }
            int distance = distance(word, other, max);
            if (distance > max) {
                continue;
            }
            long books = candidate.getValue();
            if (distance < bestDistance || distance == bestDistance
                    && (books > bestBooks || books == bestBooks && other.compareTo(best) < 0)) {
                best = other;
                bestDistance = distance;
                bestBooks = books;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The optimal string alignment distance by code point, or {@code max + 1} once it is known to exceed max. */
    static int distance(String a, String b, int max) {
        int[] s = a.codePoints().toArray();
        int[] t = b.codePoints().toArray();
        if (Math.abs(s.length - t.length) > max) {
            return max + 1;
        }
        int[][] d = new int[s.length + 1][t.length + 1];
        for (int i = 0; i <= s.length; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= t.length; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= s.length; i++) {
            int rowMin = Integer.MAX_VALUE;
            for (int j = 1; j <= t.length; j++) {
                int cost = s[i - 1] == t[j - 1] ? 0 : 1;
                int value = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1]) {
                    value = Math.min(value, d[i - 2][j - 2] + 1);
                }
                d[i][j] = value;
                rowMin = Math.min(rowMin, value);
            }
            if (rowMin > max) {
                return max + 1;
            }
        }
        return Math.min(d[s.length][t.length], max + 1);
    }
}
