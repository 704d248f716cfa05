package dev.quire.books;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalogue's genres, a controlled list ({@code genres.tsv}): each has a slug ({@code science-fiction}), a name
 * ({@code Science fiction}) and aliases ({@code sci-fi}). A book stores its genre's name; clients may write and
 * filter by any of the three, in any case, with spaces, hyphens or underscores between the words.
 */
final class Genres {
    private static final String RESOURCE = "genres.tsv";

    /** @param key the name's key ({@link BookKeys#key}), as books.genre_key holds it */
    record Genre(String slug, String name, List<String> aliases, String key) {}

    private static final List<Genre> ALL = load();
    private static final Map<String, Genre> BY_SPELLING = index(ALL);
    private static final Map<String, Genre> BY_KEY = byKey(ALL);

    private Genres() {}

    /** Every genre, by name. */
    static List<Genre> all() {
        return ALL;
    }

    /** The genre {@code text} names by its slug, its name or an alias. */
    static Optional<Genre> find(String text) {
        return Optional.ofNullable(BY_SPELLING.get(spelling(text)));
    }

    /** The genre whose name has the key ({@link BookKeys#key}) a book stores. */
    static Optional<Genre> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** The slugs, for messages that say what is accepted. */
    static String slugs() {
        return String.join(", ", ALL.stream().map(Genre::slug).toList());
    }

    /**
     * "Sci_Fi", "sci fi" and "SCI-FI" are one spelling: the folded words, in order and repeats kept (so "sci fi fi"
     * is not sci-fi), joined by hyphens.
     */
    private static String spelling(String text) {
        return String.join("-", Arrays.stream(BookKeys.key(text).split("[^\\p{L}\\p{N}]+"))
                .filter(word -> !word.isEmpty()).toList());
    }

    private static List<Genre> load() {
        var stream = Genres.class.getResourceAsStream(RESOURCE);
        if (stream == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the application");
        }
        var genres = new ArrayList<Genre>();
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                var aliases = fields.length < 3 || fields[2].isBlank() ? List.<String>of()
                        : Arrays.stream(fields[2].split(",")).map(String::strip).toList();
                genres.add(new Genre(fields[0], fields[1], aliases, BookKeys.key(fields[1])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        genres.sort((a, b) -> a.key().compareTo(b.key()));
        return List.copyOf(genres);
    }

    private static Map<String, Genre> index(List<Genre> genres) {
        var index = new HashMap<String, Genre>();
        for (var genre : genres) {
            var spellings = new ArrayList<String>(List.of(genre.slug(), genre.name()));
            spellings.addAll(genre.aliases());
            for (String spelling : spellings) {
                var previous = index.put(spelling(spelling), genre);
                if (previous != null && previous != genre) {
                    throw new IllegalStateException(RESOURCE + ": \"" + spelling + "\" names two genres");
                }
            }
        }
        return Map.copyOf(index);
    }

    private static Map<String, Genre> byKey(List<Genre> genres) {
        var index = new HashMap<String, Genre>();
        genres.forEach(genre -> index.put(genre.key(), genre));
        return Map.copyOf(index);
    }
}
