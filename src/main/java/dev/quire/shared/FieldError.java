package dev.quire.shared;

/** One rule a field of the input broke, as {@code errors[]} of a 422 problem names it. */
public record FieldError(String field, String message) {}
