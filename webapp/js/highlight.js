// The words of a search, marked in a result's title and author. The page works them out itself from the search as
// typed (the API says which books match, not where), and builds the marks as elements around text nodes: a title
// that contains markup is still only text.
//
// The rule is deliberately simple, a close guess at what the search engine matched:
// - words are folded as the server folds them: lower case, accents removed ("Gödel" is "godel"), split at anything
//   that is not a letter or a digit;
// - the search's words are those it wants: the words of -excluded words or "-phrases" are left out;
// - a word of the text is marked when it begins with a search word ("dun" marks Dune, "fiction" marks Fictional),
//   or when the search word begins with the text word's stem, the word less a common English ending (s, es, ed, ing,
//   er, ly, y, e), if that leaves at least three letters ("dunes" marks Dune, "running" marks Run).
import {h} from './dom.js';

const MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/u;
/** A word of a text as shown: letters and digits, with the marks of accented letters written apart. */
const SHOWN_WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const ENDING = /(?:ing|ers|er|ed|es|ly|s|y|e)$/;

/** The text as the server compares it: lower case, compatibility-decomposed, without accents. */
export function fold(text) {
    return text.toLowerCase().normalize('NFKD').replace(MARKS, '');
}

/** The folded words of a search that a result should show marked: not those of excluded clauses. */
export function searchWords(q) {
    const words = new Set();
    let i = 0;
    while (i < q.length) {
        if (/\s/.test(q[i])) {
            i++;
            continue;
        }
        let excluded = false;
        if (q[i] === '-' && i + 1 < q.length && !/\s/.test(q[i + 1])) {
            excluded = true;
            i++;
        }
        let end;
        let token;
        if (q[i] === '"') {
            const close = q.indexOf('"', i + 1);
            end = close < 0 ? q.length : close + 1;
            token = q.slice(i + 1, close < 0 ? q.length : close);
        } else {
            end = i;
            while (end < q.length && !/\s/.test(q[end]) && q[end] !== '"') {
                end++;
            }
            token = q.slice(i, end);
        }
        i = end;
        if (!excluded) {
            fold(token).split(NOT_WORD).filter(word => word !== '').forEach(word => words.add(word));
        }
    }
    return [...words];
}

/** Whether the text word {@code word} (folded) counts as matching one of {@code words} (see the rule above). */
export function matches(word, words) {
    const stem = word.replace(ENDING, '');
    const stemmed = stem.length >= 3 ? stem : word;
    return words.some(wanted => word.startsWith(wanted) || (stemmed.length >= 3 && wanted.startsWith(stemmed)));
}

/**
 * {@code text} as nodes to append: its words that match {@code words} (from {@link searchWords}) each in a
 * <mark>, the rest as plain text. Without words, the text as it is.
 */
export function highlighted(text, words) {
    if (!text || words.length === 0) {
        return [text];
    }
    const parts = [];
    let from = 0;
    for (const found of text.matchAll(SHOWN_WORD)) {
        if (!fold(found[0]).split(NOT_WORD).some(word => word !== '' && matches(word, words))) {
            continue;
        }
        if (found.index > from) {
            parts.push(text.slice(from, found.index));
        }
        parts.push(h('mark', {}, found[0]));
        from = found.index + found[0].length;
    }
    if (from < text.length) {
        parts.push(text.slice(from));
    }
    return parts;
}
