package dev.quire.books;

/** A new review: a rating of 1 to 5, and optionally some text. */
record ReviewInput(Integer rating, String text) {}
