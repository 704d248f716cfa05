package dev.quire.books;

/** A genre and how many books (of the catalogue, or of a list's matches) are in it. */
public record GenreCount(Genres.Genre genre, long count) {}
