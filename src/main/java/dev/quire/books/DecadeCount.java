package dev.quire.books;

/** A decade (1960 for 1960 to 1969) and how many books of a list's matches were published in it. */
public record DecadeCount(int decade, long count) {}
