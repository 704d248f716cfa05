package dev.quire.books;

/**
 * A page of the catalogue with what the query asked to count. {@code didYouMean} is set when the search as written
 * found nothing and these are the books of the corrected search it holds; {@code genres} and {@code decades} are
 * null unless asked for.
 */
public record SearchPage(Page<Book> page, boolean totalIsEstimate, String didYouMean,
                         java.util.List<GenreCount> genres, java.util.List<DecadeCount> decades) {}
