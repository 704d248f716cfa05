package dev.quire.books;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A search ({@code q}) read with web search syntax: words, {@code "quoted phrases"} and {@code -excluded} words or
 * phrases. Each clause holds its words folded ({@link BookKeys#words}: lower case, accents removed, runs of
 * letters and digits), so {@code hitchhiker's} is the two-word phrase {@code hitchhiker s}. Every clause that is
 * not excluded must match; none of the excluded ones may. The last clause is a prefix (search as you type) when it
 * is a lone word, not excluded, not quoted, and the text does not end with a space: {@code dun} finds Dune.
 * An unclosed quote runs to the end. The engines stem each word for English (so {@code fictions} finds fiction) and
 * ignore English stop words, except that a prefix which is a stop word still matches as a prefix.
 *
 * @param raw the text as the client sent it
 */
record SearchText(String raw, List<Clause> clauses) {

    /**
     * @param words folded, in order; more than one makes a phrase (the words next to each other, in this order)
     * @param excluded a book that matches the clause is left out
     * @param prefix the (only) word also matches the words it begins
     */
    record Clause(List<String> words, boolean excluded, boolean prefix) {
        boolean isPhrase() {
            return words.size() > 1;
        }
    }

    static SearchText parse(String raw) {
        var clauses = new ArrayList<Clause>();
        int i = 0;
        int n = raw.length();
        boolean lastWasQuoted = false;
        while (i < n) {
            char c = raw.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean excluded = false;
            if (c == '-' && i + 1 < n && !Character.isWhitespace(raw.charAt(i + 1))) {
                excluded = true;
                i++;
                c = raw.charAt(i);
            }
            String token;
            if (c == '"') {
                int close = raw.indexOf('"', i + 1);
                int end = close < 0 ? n : close;
                token = raw.substring(i + 1, end);
                i = close < 0 ? n : close + 1;
                lastWasQuoted = true;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(raw.charAt(end)) && raw.charAt(end) != '"') {
                    end++;
                }
                token = raw.substring(i, end);
                i = end;
                lastWasQuoted = false;
            }
            var words = BookKeys.words(token);
            if (!words.isEmpty()) {
                clauses.add(new Clause(phraseWords(token, words), excluded, false));
            }
        }
        int last = clauses.size() - 1;
        if (last >= 0 && !lastWasQuoted && !Character.isWhitespace(raw.charAt(n - 1))) {
            var clause = clauses.get(last);
            if (!clause.excluded() && !clause.isPhrase()) {
                clauses.set(last, new Clause(clause.words(), false, true));
            }
        }
        return new SearchText(raw, List.copyOf(clauses));
    }

    /** {@link BookKeys#words} keeps each word once; a phrase keeps repeats ("new new york"). */
    private static List<String> phraseWords(String token, List<String> distinct) {
        var words = new ArrayList<String>();
        for (String word : BookKeys.key(token).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word.length() > BookKeys.MAX_WORD_LENGTH ? distinct.get(0) : word);
            }
        }
        return words.isEmpty() ? distinct : List.copyOf(words);
    }

    /** Whether there is anything to look for: an empty search, or one of excluded clauses only, finds nothing. */
    boolean isEmpty() {
        return clauses.stream().allMatch(Clause::excluded);
    }

    /** The words a book must have (those of the clauses not excluded), in order, each once. */
    List<String> wantedWords() {
        return clauses.stream().filter(c -> !c.excluded()).flatMap(c -> c.words().stream()).distinct().toList();
    }

    /**
     * The same search with each wanted word replaced by {@code correct} (which returns the word itself to keep it);
     * the raw text becomes the clauses written out again, which is what "did you mean" shows.
     */
    SearchText corrected(UnaryOperator<String> correct) {
        var fixed = new ArrayList<Clause>();
        var text = new StringBuilder();
        for (var clause : clauses) {
            var words = clause.excluded() ? clause.words() : clause.words().stream().map(correct).toList();
            fixed.add(new Clause(words, clause.excluded(), clause.prefix()));
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(clause.excluded() ? "-" : "")
                    .append(clause.isPhrase() ? "\"" + String.join(" ", words) + "\"" : words.get(0));
        }
        return new SearchText(text.toString(), List.copyOf(fixed));
    }
}
