package dev.quire.books;

/** What a client sends to add a book or replace one: title and author are required, the rest optional. */
record BookInput(String title, String author, Long year, String genre, String isbn, String description) {}
