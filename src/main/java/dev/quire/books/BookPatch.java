package dev.quire.books;

import dev.quire.shared.Change;

/**
 * A merge patch of a book: a null field stays as it is. Title and author can be changed but not removed; year,
 * genre, ISBN and description can be removed (a Change to null).
 */
record BookPatch(String title, String author, Change<Long> year, Change<String> genre, Change<String> isbn,
                 Change<String> description) {}
