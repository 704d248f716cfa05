package dev.quire.books;

import dev.quire.books.BookStore.NewBookRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo catalogue (QUIRE_DEMO_DATA): the bookstore seed's three books and 51 others, from
 * {@code demo-catalogue.tsv}, each with the ISBN-13 of a real edition and a short description. They belong to no
 * account, so no one can change them; their ids are fixed and obviously synthetic (book_ and 26 digits), so that
 * book 1 is Dune everywhere.
 */
final class DemoCatalogue {
    static final Instant FIRST_ADDED = Instant.parse("2026-01-01T00:00:00Z");
    private static final String RESOURCE = "demo-catalogue.tsv";

    private DemoCatalogue() {}

    static BookId id(int number) {
        return new BookId("book_" + String.format("%026d", number));
    }

    static List<NewBookRecord> books() {
        var stream = DemoCatalogue.class.getResourceAsStream(RESOURCE);
        if (stream == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the application");
        }
        var books = new ArrayList<NewBookRecord>();
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    books.add(book(line.split("\t", -1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return books;
    }

    /** number, title, author, year (or empty), genre, ISBN (or empty), description (or empty) */
    private static NewBookRecord book(String[] fields) {
        if (fields.length != 7) {
            throw new IllegalStateException(RESOURCE + ": 7 fields expected, not " + fields.length + ", in book "
                    + fields[0]);
        }
        int number = Integer.parseInt(fields[0]);
        Integer year = fields[3].isEmpty() ? null : Integer.valueOf(fields[3]);
        // kept as the store keeps every ISBN: as ISBN-13 (an invalid one is a fault of the resource)
        String isbn = fields[5].isEmpty() ? null : Isbn.normalize(fields[5]).orElseThrow(
                () -> new IllegalStateException(RESOURCE + ": book " + number + " has an invalid ISBN"));
        String description = fields[6].isEmpty() ? null : fields[6];
        return new NewBookRecord(id(number), fields[1], fields[2], year, fields[4], isbn, description, null,
                FIRST_ADDED.plus(Duration.ofMinutes(number - 1L)));
    }
}
