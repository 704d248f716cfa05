package dev.quire.books;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.Facet;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import dev.quire.db.Jdbc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists of books without a search, in SQL on either database: filters, sorts and paging on the indexes of
 * migration V5, and facets by grouping. An engine uses it where it has nothing better.
 */
final class SqlBookList {
    private SqlBookList() {}

    /** SQL and the values to bind to it. */
    record Query(String sql, List<Object> values) {}

    /** The page, the exact total and the facets of a request without a search ({@code request.text()} is null). */
    static SearchResult list(Jdbc jdbc, SearchRequest request) {
        var query = listQuery(request.filter(), request.sort(), request.offset(), request.limit());
        List<BookRecord> books = jdbc.list(query.sql(), bind(query.values()), JdbcBookStore::book);
        long total = count(jdbc, request.filter());
        var genres = request.facets().contains(Facet.GENRE) ? genres(jdbc, request.filter().withoutGenre()) : Map.<String, Long>of();
        var decades = request.facets().contains(Facet.DECADE) ? decades(jdbc, request.filter().withoutYears())
                : Map.<Integer, Long>of();
        return new SearchResult(books, total, false, genres, decades);
    }

    static long count(Jdbc jdbc, Filter filter) {
        var values = new ArrayList<Object>();
        return jdbc.one("select count(*) from books" + where(filter, values), bind(values), row -> row.getLong(1))
                .orElse(0L);
    }

    /** The number of books per genre key under the filter. */
    static Map<String, Long> genres(Jdbc jdbc, Filter filter) {
        var values = new ArrayList<Object>();
        var conditions = conditions(filter, values);
        conditions.add("genre_key is not null");
        var counts = new LinkedHashMap<String, Long>();
        jdbc.list("select genre_key, count(*) from books where " + String.join(" and ", conditions)
                        + " group by genre_key", bind(values), row -> counts.put(row.getString(1), row.getLong(2)));
        return counts;
    }

    /** The number of books per decade under the filter. */
    static Map<Integer, Long> decades(Jdbc jdbc, Filter filter) {
        var values = new ArrayList<Object>();
        var conditions = conditions(filter, values);
        conditions.add("publication_year is not null");
        // floor division: the decade of -5 is -10
        String decade = "(publication_year - mod(mod(publication_year, 10) + 10, 10))";
        var counts = new LinkedHashMap<Integer, Long>();
        jdbc.list("select " + decade + ", count(*) from books where " + String.join(" and ", conditions)
                + " group by " + decade, bind(values), row -> counts.put(row.getInt(1), row.getLong(2)));
        return counts;
    }

    /** The statement {@link #list} runs; each sort has an index in exactly its order (migration V5). */
    static Query listQuery(Filter filter, BookSort sort, long offset, int limit) {
        var values = new ArrayList<Object>();
        String direction = sort.descending ? " desc" : " asc";
        // books without a year or a rating come last either way: they have no place in that order
        String nulls = sort.nullable ? " nulls last" : "";
        String sql = "select " + JdbcBookStore.COLUMNS + " from books" + where(filter, values)
                + " order by " + sort.column + direction + nulls + ", id" + direction + " limit ? offset ?";
        values.add(limit);
        values.add(offset);
        return new Query(sql, values);
    }

    static String where(Filter filter, List<Object> values) {
        var conditions = conditions(filter, values);
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    /** The filter's conditions on the books table, their values added to {@code values}. */
    static List<String> conditions(Filter filter, List<Object> values) {
        var conditions = new ArrayList<String>();
        if (filter.author() != null) {
            conditions.add("author_key = ?");
            values.add(filter.author());
        }
        if (filter.genre() != null) {
            conditions.add("genre_key = ?");
            values.add(filter.genre());
        }
        if (filter.yearMin() != null) {
            conditions.add("publication_year >= ?");
            values.add(filter.yearMin());
        }
        if (filter.yearMax() != null) {
            conditions.add("publication_year <= ?");
            values.add(filter.yearMax());
        }
        return conditions;
    }

    static Jdbc.Binder bind(List<Object> values) {
        return statement -> {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
        };
    }
}
