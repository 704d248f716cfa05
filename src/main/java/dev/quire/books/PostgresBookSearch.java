package dev.quire.books;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.Facet;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import dev.quire.books.SearchText.Clause;
import dev.quire.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Search on PostgreSQL: its full-text search over the weighted {@code search} column and its GIN index, and the
 * words of {@code book_words} for typo tolerance (migration V12).
 *
 * <p>The query is built from the parsed clauses, never from the client's text in tsquery syntax: each word goes
 * through {@code plainto_tsquery}, each phrase through {@code phraseto_tsquery} and each prefix through
 * {@code to_tsquery} as one quoted lexeme (the words are letters and digits only, see {@link BookKeys#words}), all
 * with the 'english' configuration that made the column; a prefix is read both stemmed ('english') and as typed
 * ('simple'), so that neither a stem's changed letters nor a stop word lose what is being typed. Books rank by {@code ts_rank_cd} (a match in
 * the title weighs 1, the author 0.4, the genre 0.2, the description 0.1), then title key, then id.
 */
final class PostgresBookSearch implements BookSearchEngine {
    /** One statement, one round trip: the words the book no longer has go, the new ones come. */
    private static final String WRITE_WORDS = """
            with gone as (delete from book_words where book_id = ? and word <> all (?))
            insert into book_words (word, book_id) select unnest(?), ? on conflict do nothing""";
    private static final String WORDS_LIKE = """
            select word, count(*) from book_words
            where word >= ? and word < ? and char_length(word) between ? and ?
            group by word""";

    private final Jdbc jdbc;

    PostgresBookSearch(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public SearchResult search(SearchRequest request) {
        if (request.text() == null) {
            return SqlBookList.list(jdbc, request);
        }
        if (request.text().isEmpty()) {
            return new SearchResult(List.of(), 0, false, Map.of(), Map.of());
        }
        var query = tsquery(request.text());
        var page = pageQuery(query, request);
        // the page's rows carry the number of all matches (a window over the same scan), so one pass over the
        // matches gives both; a page past the end has no row to carry it, and counts apart
        long[] matches = {-1};
        List<BookRecord> books = jdbc.list(page.sql(), SqlBookList.bind(page.values()), row -> {
            matches[0] = row.getLong("matches");
            return JdbcBookStore.book(row);
        });
        if (request.facets().isEmpty()) {
            long total = matches[0] >= 0 ? matches[0] : count(query, request.filter());
            return new SearchResult(books, total, false, Map.of(), Map.of());
        }
        return counted(books, query, request);
    }

    /**
     * The total and the facets in one pass over the matches: each match is counted for the genres when it is in
     * the years, for the decades when it is of the genre, and in the total when both; grouped by genre and by
     * decade (books without either make a group of their own, counted in the total and left out of the facets).
     */
    private SearchResult counted(List<BookRecord> books, SqlBookList.Query tsquery, SearchRequest request) {
        var filter = request.filter();
        var values = new ArrayList<Object>();
        String inYears = condition(SqlBookList.conditions(new Filter(null, null, filter.yearMin(), filter.yearMax()),
                new ArrayList<>()));
        String ofGenre = condition(SqlBookList.conditions(new Filter(null, filter.genre(), null, null),
                new ArrayList<>()));
        boolean genres = request.facets().contains(Facet.GENRE);
        boolean decades = request.facets().contains(Facet.DECADE);
        var sets = new ArrayList<String>();
        if (genres) {
            sets.add("(genre_key)");
        }
        if (decades) {
            sets.add("(" + DECADE + ")");
        }
        // a column of a facet not asked for is not in any grouping set, so it is a null
        var sql = new StringBuilder("select " + (genres ? "genre_key" : "null") + ", " + (decades ? DECADE : "null")
                + ", " + (genres ? "grouping(genre_key)" : "1"));
        sql.append(", count(*) filter (where ").append(inYears).append(')');
        addYears(filter, values);
        sql.append(", count(*) filter (where ").append(ofGenre).append(')');
        addGenre(filter, values);
        sql.append(", count(*) filter (where ").append(inYears).append(" and ").append(ofGenre).append(')');
        addYears(filter, values);
        addGenre(filter, values);
        var author = new ArrayList<Object>();
        String matches = matches(tsquery, new Filter(filter.author(), null, null, null), author);
        values.addAll(author);
        sql.append(matches).append(" and (").append(inYears).append(" or ").append(ofGenre).append(')');
        addYears(filter, values);
        addGenre(filter, values);
        sql.append(" group by grouping sets (").append(String.join(", ", sets)).append(')');
        var genreCounts = new LinkedHashMap<String, Long>();
        var decadeCounts = new LinkedHashMap<Integer, Long>();
        long[] total = {0};
        jdbc.list(sql.toString(), SqlBookList.bind(values), row -> {
            boolean byGenre = row.getInt(3) == 0;
            // the total is the sum of the first grouping's "both" counts: every match is in one of its groups
            if (byGenre || !genres) {
                total[0] += row.getLong(6);
            }
            if (byGenre && row.getString(1) != null && row.getLong(4) > 0) {
                genreCounts.put(row.getString(1), row.getLong(4));
            } else if (!byGenre && row.getObject(2) != null && row.getLong(5) > 0) {
                decadeCounts.put(row.getInt(2), row.getLong(5));
            }
            return null;
        });
        return new SearchResult(books, total[0], false, genreCounts, decadeCounts);
    }

    private static final String DECADE = "(publication_year - mod(mod(publication_year, 10) + 10, 10))";

    private static String condition(List<String> conditions) {
        return conditions.isEmpty() ? "true" : "(" + String.join(" and ", conditions) + ")";
    }

    private static void addYears(Filter filter, List<Object> values) {
        SqlBookList.conditions(new Filter(null, null, filter.yearMin(), filter.yearMax()), values);
    }

    private static void addGenre(Filter filter, List<Object> values) {
        SqlBookList.conditions(new Filter(null, filter.genre(), null, null), values);
    }

    /** The page of matching books in the request's order, each row with the number of all matches. */
    static SqlBookList.Query pageQuery(SqlBookList.Query tsquery, SearchRequest request) {
        var values = new ArrayList<Object>();
        String from = matches(tsquery, request.filter(), values);
        var sort = request.sort();
        String order;
        if (sort == BookSort.RELEVANCE) {
            order = " order by ts_rank_cd(search, query) desc, title_key, id";
        } else {
            String direction = sort.descending ? " desc" : " asc";
            String nulls = sort.nullable ? " nulls last" : "";
            order = " order by " + sort.column + direction + nulls + ", id" + direction;
        }
        values.add(request.limit());
        values.add(request.offset());
        return new SqlBookList.Query("select " + JdbcBookStore.COLUMNS + ", count(*) over () as matches" + from + order
                + " limit ? offset ?", values);
    }

    private long count(SqlBookList.Query tsquery, Filter filter) {
        var values = new ArrayList<Object>();
        String sql = "select count(*)" + matches(tsquery, filter, values);
        return jdbc.one(sql, SqlBookList.bind(values), row -> row.getLong(1)).orElse(0L);
    }

    /** From and where of the books that match the search and the filter; the tsquery is named {@code query}. */
    private static String matches(SqlBookList.Query tsquery, Filter filter, List<Object> values) {
        values.addAll(tsquery.values());
        var conditions = new ArrayList<String>();
        conditions.add("search @@ query");
        conditions.addAll(SqlBookList.conditions(filter, values));
        return " from books, (select " + tsquery.sql() + " as query) q where " + String.join(" and ", conditions);
    }

    /** The search as a tsquery expression: every clause, each excluded one negated, joined by {@code &&}. */
    static SqlBookList.Query tsquery(SearchText text) {
        var parts = new ArrayList<String>();
        var values = new ArrayList<Object>();
        for (Clause clause : text.clauses()) {
            String part;
            if (clause.isPhrase()) {
                part = "phraseto_tsquery('english', ?)";
                values.add(String.join(" ", clause.words()));
            } else if (clause.prefix()) {
                // the word as typed and its stem, each as a prefix: stemming alone lost words being typed whose
                // stem changes letters ("sky" is stemmed "ski": skyline was not found); the word alone lost typed
                // words longer than their stem ("running" is stored "run"). A stop word, which 'english' drops,
                // is left to 'simple', so that "the" still finds Theodore.
                part = "(to_tsquery('english', ?) || to_tsquery('simple', ?))";
                String lexeme = "'" + clause.words().get(0) + "':*";
                values.add(lexeme);
                values.add(lexeme);
            } else {
                part = "plainto_tsquery('english', ?)";
                values.add(clause.words().get(0));
            }
            parts.add(clause.excluded() ? "!!" + part : part);
        }
        return new SqlBookList.Query("(" + String.join(" && ", parts) + ")", values);
    }

    @Override
    public Map<String, Long> wordsLike(String word, int maxEdits) {
        var candidates = new LinkedHashMap<String, Long>();
        if (word.isEmpty()) {
            return candidates;
        }
        int first = word.codePointAt(0);
        int length = word.codePointCount(0, word.length());
        // the words that begin with the letter: a range of the primary key (word, book_id), in code point order
        String from = new String(Character.toChars(first));
        String to = first == Character.MAX_CODE_POINT ? "\uDBFF\uDFFF\uDBFF\uDFFF"
                : new String(Character.toChars(first + 1));
        jdbc.list(WORDS_LIKE, statement -> {
            statement.setString(1, from);
            statement.setString(2, to);
            statement.setInt(3, Math.max(1, length - maxEdits));
            statement.setInt(4, length + maxEdits);
        }, row -> candidates.put(row.getString(1), row.getLong(2)));
        return candidates;
    }

    /** Keeps the book's title and author words in {@code book_words}, which {@link #wordsLike} reads. */
    @Override
    public void written(Connection connection, BookId id, String title, String author) throws SQLException {
        var words = connection.createArrayOf("varchar", BookKeys.words(title, author).toArray());
        Jdbc.update(connection, WRITE_WORDS, statement -> {
            statement.setString(1, id.value());
            statement.setArray(2, words);
            statement.setArray(3, words);
            statement.setString(4, id.value());
        });
    }
}
