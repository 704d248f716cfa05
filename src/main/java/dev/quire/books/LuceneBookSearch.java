package dev.quire.books;

import dev.quire.books.BookStore.BookRecord;
import dev.quire.books.BookStore.Facet;
import dev.quire.books.BookStore.Filter;
import dev.quire.books.BookStore.SearchRequest;
import dev.quire.books.BookStore.SearchResult;
import dev.quire.db.DatabaseSettings;
import dev.quire.db.Jdbc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiCollectorManager;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TotalHitCountCollectorManager;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NRTCachingDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * Search on H2: a Lucene index of the books table, one document per book, kept beside the database file (in
 * memory for an in-memory database) and following the table after each commit.
 *
 * <p>The database stays the source of truth: a search takes the page's ids from the index and reads those rows
 * from the table. The index is brought up to date at {@link #open}: rebuilt from the table when it is missing, when
 * the process before did not close it cleanly (a crash may have come between a commit and the index's update), or
 * when what it holds (count of books, latest change, sum of versions) does not match the table's.
 *
 * <p>Text is analysed as PostgreSQL's {@code english} configuration does: words split where {@link SearchText}
 * splits them (at anything but letters and digits, so {@code hitchhiker's} is {@code hitchhiker} and the stop word
 * {@code s}), Snowball's English stop words dropped with their positions kept, and Snowball's English stemmer.
 */
final class LuceneBookSearch implements BookSearchEngine {
    private static final Logger log = LoggerFactory.getLogger(LuceneBookSearch.class);

    /** Changes whenever what the index holds changes, so that an index of another shape is rebuilt. */
    private static final String FORMAT = "1";
    private static final String ID = "id";
    private static final String TITLE = "title";
    private static final String AUTHOR = "author";
    private static final String GENRE = "genre";
    private static final String DESCRIPTION = "description";
    /** The unstemmed words of the title and author, for spelling corrections. */
    private static final String WORDS = "words";
    private static final String TITLE_KEY = "title_key";
    private static final String AUTHOR_KEY = "author_key";
    private static final String GENRE_KEY = "genre_key";
    private static final String YEAR = "publication_year";
    private static final String CREATED = "created_at";
    private static final String RATING = "rating_average";
    private static final String UPDATED = "updated_at";
    private static final String VERSION = "version";
    /** The fields a search looks in, with their weights: title > author > genre > description. */
    private static final Map<String, Float> WEIGHTS = Map.of(TITLE, 4f, AUTHOR, 2f, GENRE, 1.5f, DESCRIPTION, 1f);
    private static final List<String> TEXT_FIELDS = List.of(TITLE, AUTHOR, GENRE, DESCRIPTION);
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final String ROWS = "select id, title, author, title_key, author_key, genre_key, description_key,"
            + " publication_year, created_at, updated_at, version, rating_average from books";
    private static final String USER_CLEAN = "closedCleanly";
    private static final String USER_FORMAT = "format";
    private static final String USER_CONTENT = "content";

    /**
     * The open indexes by database (the index directory's real path, or the in-memory database's name). H2 lets
     * one process at a time open a database file, so engines on one database are in one process: they share its
     * index, as a second {@link IndexWriter} on the directory could not be opened. Guarded by itself; held while an
     * index opens (its rebuild included) or closes, so that a reopen never meets the closing writer's lock.
     */
    private static final Map<String, Index> OPEN = new HashMap<>();

    /** This engine's connections: rows are read through the instance that asks (pools differ and stop apart). */
    private final Jdbc jdbc;
    private final Index index;
    private final Analyzer analyzer = new EnglishWords();
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Why the index was built at open ({@code missing}, {@code not closed cleanly}, {@code out of date}), or {@code
     * up to date}, or {@code already open} when another engine on the database lent it.
     */
    private final String openedBecause;

    private LuceneBookSearch(Jdbc jdbc, Index index, String openedBecause) {
        this.jdbc = jdbc;
        this.index = index;
        this.openedBecause = openedBecause;
    }

    /**
     * The part of the engine shared by every instance open on one database: the index, its writer and searchers,
     * the recent answers, the per-book locks. It is closed (marked clean) when its last user closes.
     */
    private static final class Index {
        /** The key in {@link #OPEN}, or null for a private in-memory database. */
        final String key;
        final Directory directory;
        final Path path;
        final IndexWriter writer;
        final SearcherManager searchers;
        /** Set by each change of the index, cleared by the search that refreshes the searcher to see it. */
        final AtomicBoolean unseenChanges = new AtomicBoolean();
        /** Set when a change could not be indexed: the index is then rebuilt at the next start. */
        final AtomicBoolean stale = new AtomicBoolean();
        /** Changes of one book are read from the table and indexed one at a time (striped by id). */
        final Object[] bookLocks = new Object[64];
        /** Held shared by changes and exclusively by {@link #close}. */
        final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
        /** Guarded by {@link #open}'s write lock. */
        boolean closed;
        /** The engines using it; guarded by {@link #OPEN}. */
        int users;
        volatile Answers answers = new Answers(null, Map.of());

        Index(String key, Directory directory, Path path, IndexWriter writer) throws IOException {
            this.key = key;
            this.directory = directory;
            this.path = path;
            this.writer = writer;
            this.searchers = new SearcherManager(writer, null);
            for (int i = 0; i < bookLocks.length; i++) {
                bookLocks[i] = new Object();
            }
        }

        /** Indexes every row of the table into the (empty) index; returns how many. */
        int rebuild(Jdbc jdbc) throws IOException {
            var count = new int[1];
            try {
                jdbc.list(ROWS, statement -> statement.setFetchSize(1000), row -> {
                    try {
                        writer.addDocument(document(row));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    count[0]++;
                    return null;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return count[0];
        }

        long sizeOnDisk() throws IOException {
            long size = 0;
            for (String file : directory.listAll()) {
                if (!file.equals(IndexWriter.WRITE_LOCK_NAME)) {
                    size += Files.size(path.resolve(file));
                }
            }
            return size;
        }

        /**
         * Marks the index as closed cleanly, with what it holds, when it holds every change it was told of: the
         * next start then opens it as it is if the table still holds the same.
         */
        void close() {
            open.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (!stale.get()) {
                        searchers.maybeRefreshBlocking();
                        var searcher = searchers.acquire();
                        try {
                            writer.setLiveCommitData(Map.of(USER_FORMAT, FORMAT, USER_CLEAN, "true",
                                    USER_CONTENT, indexContent(searcher)).entrySet());
                        } finally {
                            searchers.release(searcher);
                        }
                    }
                    writer.commit();
                } finally {
                    IOUtils.close(searchers, writer, directory);
                }
            } catch (IOException e) {
                log.warn("Could not close the search index cleanly; it will be rebuilt at the next start", e);
            } finally {
                open.writeLock().unlock();
            }
        }
    }

    /**
     * Opens the index that goes with the database of {@code settings} (a directory beside an H2 file, {@code
     * /x/quire.search} for {@code jdbc:h2:file:/x/quire}; in memory otherwise), rebuilt from the table first when
     * missing, not closed cleanly, or out of date. An engine already open on the same database in this process
     * lends its index instead: both then see every change made through either.
     */
    static LuceneBookSearch open(Jdbc jdbc, DatabaseSettings settings) {
        Path path = indexPath(settings.url());
        try {
            String key = indexKey(settings.url(), path);
            synchronized (OPEN) {
                Index shared = key == null ? null : OPEN.get(key);
                if (shared != null) {
                    shared.users++;
                    log.info("Search index shared with the engine already open on this database ({} books)",
                            shared.writer.getDocStats().numDocs);
                    return new LuceneBookSearch(jdbc, shared, "already open");
                }
                var search = openIndex(jdbc, key, path);
                search.index.users = 1;
                if (key != null) {
                    OPEN.put(key, search.index);
                }
                return search;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the search index" + (path == null ? "" : " in " + path), e);
        }
    }

    /** Opens the index of a database that no engine of this process has open: the fingerprint is checked here. */
    private static LuceneBookSearch openIndex(Jdbc jdbc, String key, Path path) throws IOException {
        long started = System.nanoTime();
        // small segments of recent changes stay in memory until merged or committed: a refresh writes no files
        Directory directory = path == null ? new ByteBuffersDirectory()
                : new NRTCachingDirectory(FSDirectory.open(path), 4, 32);
        IndexWriter writer = null;
        try {
            String reason = rebuildReason(jdbc, directory);
            var config = new IndexWriterConfig(new EnglishWords())
                    .setOpenMode(reason == null ? IndexWriterConfig.OpenMode.APPEND : IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(32)
                    // a refresh after a change writes a tiny segment: not worth packing into a compound file
                    .setUseCompoundFile(false)
                    .setCommitOnClose(false);
            writer = new IndexWriter(directory, config);
            var index = new Index(key, directory, path, writer);
            int books = reason == null ? writer.getDocStats().numDocs : index.rebuild(jdbc);
            // until a clean close says otherwise, the index on disk is not to be trusted: a crash rebuilds it
            writer.setLiveCommitData(Map.of(USER_FORMAT, FORMAT, USER_CLEAN, "false").entrySet());
            writer.commit();
            index.searchers.maybeRefreshBlocking();
            long ms = (System.nanoTime() - started) / 1_000_000;
            String where = path == null ? "in memory" : String.format(java.util.Locale.ROOT, "%.1f MiB on disk",
                    index.sizeOnDisk() / 1048576.0);
            log.info("Search index ready: {} books, {}, {} in {} ms ({})", books, where,
                    reason == null ? "opened" : "built", ms, reason == null ? "up to date" : reason);
            return new LuceneBookSearch(jdbc, index, reason == null ? "up to date" : reason);
        } catch (IOException | RuntimeException e) {
            // a failed open must not keep the directory's lock: the next attempt could never open it
            IOUtils.closeWhileHandlingException(writer, directory);
            throw e;
        }
    }

    /** How the index came to be ready at open: {@code up to date}, {@code already open}, or the reason it was built. */
    String openedBecause() {
        return openedBecause;
    }

    /** The index directory beside an H2 file database, or null for one in memory or on a server. */
    static Path indexPath(String url) {
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (name.startsWith("mem:") || name.startsWith("tcp:") || name.startsWith("ssl:")) {
            return null;
        }
        name = name.startsWith("file:") ? name.substring("file:".length()) : name;
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Path.of(name + ".search").toAbsolutePath().normalize();
    }

    /**
     * Which engines share an index: those on one database file (by the index directory's real path, so that two
     * spellings of one file agree) or one named in-memory or server database (by its name). Null for a private
     * in-memory database ({@code jdbc:h2:mem:} without a name), which no other engine can reach.
     */
    private static String indexKey(String url, Path path) throws IOException {
        if (path != null) {
            return "file:" + Files.createDirectories(path).toRealPath();
        }
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        return name.equals("mem:") ? null : name;
    }

    /** Why the index must be built from the table, or null when it is up to date. */
    private static String rebuildReason(Jdbc jdbc, Directory directory) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return "missing";
        }
        Map<String, String> data;
        try {
            data = SegmentInfos.readLatestCommit(directory).getUserData();
        } catch (IOException unreadable) {
            // a damaged index is no loss: the table holds everything it did
            log.warn("The search index cannot be read; building it again", unreadable);
            for (String file : directory.listAll()) {
                directory.deleteFile(file);
            }
            return "out of date";
        }
        if (!"true".equals(data.get(USER_CLEAN))) {
            return "not closed cleanly";
        }
        if (!FORMAT.equals(data.get(USER_FORMAT)) || !tableContent(jdbc).equals(data.get(USER_CONTENT))) {
            return "out of date";
        }
        return null;
    }

    /** What the table holds, cheaply: the number of books, the latest change, the sum of versions. */
    private static String tableContent(Jdbc jdbc) {
        return jdbc.one("select count(*), max(updated_at), sum(version) from books", statement -> {}, row -> {
            var latest = row.getObject(2, OffsetDateTime.class);
            return content(row.getLong(1), latest == null ? 0 : micros(latest.toInstant()), row.getLong(3));
        }).orElseThrow();
    }

    private static String content(long count, long latestMicros, long versions) {
        return count + "/" + latestMicros + "/" + versions;
    }

    /** The same as {@link #tableContent}, from the index (what it holds, not what it was told). */
    private static String indexContent(IndexSearcher searcher) throws IOException {
        long count = 0;
        long latest = 0;
        long versions = 0;
        for (var leaf : searcher.getIndexReader().leaves()) {
            var live = leaf.reader().getLiveDocs();
            NumericDocValues updated = DocValues.getNumeric(leaf.reader(), UPDATED);
            NumericDocValues version = DocValues.getNumeric(leaf.reader(), VERSION);
            for (int doc = updated.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = updated.nextDoc()) {
                if (live == null || live.get(doc)) {
                    count++;
                    latest = Math.max(latest, updated.longValue());
                    if (version.advanceExact(doc)) {
                        versions += version.longValue();
                    }
                }
            }
        }
        return content(count, latest, versions);
    }

    /** The book's document, from a row of {@link #ROWS}. */
    private static Document document(ResultSet row) throws SQLException {
        var doc = new Document();
        String id = row.getString("id");
        doc.add(new StringField(ID, id, Field.Store.YES));
        doc.add(new SortedDocValuesField(ID, new BytesRef(id)));
        text(doc, TITLE, row.getString("title_key"));
        text(doc, AUTHOR, row.getString("author_key"));
        text(doc, GENRE, row.getString("genre_key"));
        text(doc, DESCRIPTION, row.getString("description_key"));
        for (String word : BookKeys.words(row.getString("title"), row.getString("author"))) {
            doc.add(new StringField(WORDS, word, Field.Store.NO));
        }
        doc.add(new SortedDocValuesField(TITLE_KEY, new BytesRef(row.getString("title_key"))));
        String authorKey = row.getString("author_key");
        doc.add(new StringField(AUTHOR_KEY, authorKey, Field.Store.NO));
        doc.add(new SortedDocValuesField(AUTHOR_KEY, new BytesRef(authorKey)));
        String genreKey = row.getString("genre_key");
        if (genreKey != null) {
            doc.add(new StringField(GENRE_KEY, genreKey, Field.Store.NO));
            doc.add(new SortedDocValuesField(GENRE_KEY, new BytesRef(genreKey)));
        }
        Integer year = row.getObject("publication_year", Integer.class);
        if (year != null) {
            doc.add(new IntPoint(YEAR, year));
            doc.add(new NumericDocValuesField(YEAR, year));
        }
        doc.add(new NumericDocValuesField(CREATED, micros(row.getObject("created_at", OffsetDateTime.class).toInstant())));
        var rating = row.getBigDecimal("rating_average");
        if (rating != null) {
            // two decimals (decimal(3, 2)): hundredths order exactly as the column does
            doc.add(new NumericDocValuesField(RATING, rating.movePointRight(2).longValueExact()));
        }
        doc.add(new NumericDocValuesField(UPDATED, micros(row.getObject("updated_at", OffsetDateTime.class).toInstant())));
        doc.add(new NumericDocValuesField(VERSION, row.getLong("version")));
        return doc;
    }

    /** A field searched as English text; its words split as {@link SearchText} splits a search's. */
    private static void text(Document doc, String field, String key) {
        if (key != null) {
            doc.add(new TextField(field, NOT_WORD.matcher(key).replaceAll(" "), Field.Store.NO));
        }
    }

    /** Microseconds since the epoch: the precision of the table's timestamps. */
    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    @Override
    public void changed(BookId id) {
        index.open.readLock().lock();
        try {
            if (closed.get()) {
                // the change is committed but this engine can no longer index it
                throw new IllegalStateException("this search engine is closed");
            }
            // read and indexed under the book's lock: of two changes of one book, whichever indexes last has read
            // the table after both committed, so the older version can never stay in the index
            synchronized (index.bookLocks[Math.floorMod(id.value().hashCode(), index.bookLocks.length)]) {
                var term = new Term(ID, id.value());
                var doc = jdbc.one(ROWS + " where id = ?", statement -> statement.setString(1, id.value()),
                        LuceneBookSearch::document);
                if (doc.isPresent()) {
                    index.writer.updateDocument(term, doc.get());
                } else {
                    index.writer.deleteDocuments(term);
                }
            }
            index.unseenChanges.set(true);
        } catch (Exception e) {
            index.stale.set(true);
            log.warn("Could not update the search index for book {}; it will be rebuilt at the next start", id, e);
        } finally {
            index.open.readLock().unlock();
        }
    }

    /**
     * A searcher that sees every change indexed before this call, through this engine or another sharing the
     * index; release it with {@link #release}.
     */
    private IndexSearcher acquire() throws IOException {
        if (index.unseenChanges.getAndSet(false)) {
            index.searchers.maybeRefreshBlocking();
        }
        return index.searchers.acquire();
    }

    private void release(IndexSearcher searcher) {
        try {
            index.searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public SearchResult search(SearchRequest request) {
        if (request.text() == null && request.facets().isEmpty()) {
            // the table's own indexes serve a plain list in every order, reading only the page
            return SqlBookList.list(jdbc, request);
        }
        try {
            var searcher = acquire();
            try {
                return search(searcher, request);
            } finally {
                release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the index answers to a request: the page's ids in order, the total, the facets. */
    private record Hits(List<String> ids, long total, Map<String, Long> genres, Map<Integer, Long> decades) {}

    /**
     * The answers of one searcher (one state of the index) to recent requests: a catalogue's popular searches and
     * facet pages repeat, and the answer cannot change until the index does. The rows are still read from the
     * table each time.
     */
    private record Answers(Object reader, Map<SearchRequest, Hits> recent) {}

    private static final int RECENT_ANSWERS = 256;

    private SearchResult search(IndexSearcher searcher, SearchRequest request) throws IOException {
        var cache = index.answers;
        if (cache.reader() != searcher.getIndexReader()) {
            cache = new Answers(searcher.getIndexReader(), Collections.synchronizedMap(
                    new java.util.LinkedHashMap<SearchRequest, Hits>(64, 0.75f, true) {
                        @Override
                        protected boolean removeEldestEntry(Map.Entry<SearchRequest, Hits> eldest) {
                            return size() > RECENT_ANSWERS;
                        }
                    }));
            index.answers = cache;
        }
        Hits hits = cache.recent().get(request);
        if (hits == null) {
            hits = hits(searcher, request);
            cache.recent().put(request, hits);
        }
        return new SearchResult(books(hits.ids()), hits.total(), false, hits.genres(), hits.decades());
    }

    private Hits hits(IndexSearcher searcher, SearchRequest request) throws IOException {
        Query text = request.text() == null ? new MatchAllDocsQuery() : query(request.text());
        Filter filter = request.filter();
        Query query = filtered(text, filter);
        boolean genres = request.facets().contains(Facet.GENRE);
        boolean decades = request.facets().contains(Facet.DECADE);
        // a facet whose own filter is not set counts the same books as the page: one pass does both
        boolean genresInPass = genres && filter.genre() == null;
        boolean decadesInPass = decades && filter.yearMin() == null && filter.yearMax() == null;

        // first the count (and the facets that count the same books) without scores, then the page alone, so that
        // ranking can skip the books that cannot reach the page (block-max WAND) instead of scoring every match
        long total;
        FacetCounter counts = null;
        if (genresInPass || decadesInPass) {
            var counted = searcher.search(query, new MultiCollectorManager(new TotalHitCountCollectorManager(),
                    new FacetCounts(genresInPass, decadesInPass)));
            total = (Integer) counted[0];
            counts = (FacetCounter) counted[1];
        } else {
            total = searcher.count(query);
        }
        Map<String, Long> genreCounts = Map.of();
        Map<Integer, Long> decadeCounts = Map.of();
        if (genres) {
            genreCounts = genresInPass ? counts.genres()
                    : searcher.search(filtered(text, filter.withoutGenre()), new FacetCounts(true, false)).genres();
        }
        if (decades) {
            decadeCounts = decadesInPass ? counts.decades()
                    : searcher.search(filtered(text, filter.withoutYears()), new FacetCounts(false, true)).decades();
        }
        long wanted = Math.min(request.offset() + request.limit(), total);
        if (request.limit() == 0 || request.offset() >= total) {
            return new Hits(List.of(), total, genreCounts, decadeCounts);
        }
        var top = new TopFieldCollectorManager(sort(request), (int) wanted, null, (int) wanted);
        ScoreDoc[] hits = searcher.search(query, top).scoreDocs;

        var ids = new ArrayList<String>();
        var stored = searcher.storedFields();
        for (long i = request.offset(); i < hits.length; i++) {
            ids.add(stored.document(hits[(int) i].doc, Set.of(ID)).get(ID));
        }
        return new Hits(List.copyOf(ids), total, Map.copyOf(genreCounts), decadeCounts.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(decadeCounts)));
    }

    /** The books with these ids, read from the table in one query, in this order (those deleted meanwhile left out). */
    private List<BookRecord> books(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        var rows = jdbc.list("select " + JdbcBookStore.COLUMNS + " from books where id in (" + marks + ")",
                statement -> {
                    for (int i = 0; i < ids.size(); i++) {
                        statement.setString(i + 1, ids.get(i));
                    }
                }, JdbcBookStore::book);
        Map<String, BookRecord> byId = rows.stream().collect(Collectors.toMap(b -> b.id().value(), b -> b));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    private static Query filtered(Query text, Filter filter) {
        var query = new BooleanQuery.Builder().add(text, Occur.MUST);
        if (filter.author() != null) {
            query.add(new TermQuery(new Term(AUTHOR_KEY, filter.author())), Occur.FILTER);
        }
        if (filter.genre() != null) {
            query.add(new TermQuery(new Term(GENRE_KEY, filter.genre())), Occur.FILTER);
        }
        if (filter.yearMin() != null || filter.yearMax() != null) {
            query.add(IntPoint.newRangeQuery(YEAR, filter.yearMin() == null ? Integer.MIN_VALUE : filter.yearMin(),
                    filter.yearMax() == null ? Integer.MAX_VALUE : filter.yearMax()), Occur.FILTER);
        }
        return query.build();
    }

    /**
     * The search as a query: each clause not excluded must match, none of the excluded ones may; a clause matches
     * when one of the fields has its words (as a phrase when more than one), each field scoring by its weight.
     */
    Query query(SearchText text) {
        var query = new BooleanQuery.Builder();
        boolean wants = false;
        for (var clause : text.clauses()) {
            var terms = analyze(String.join(" ", clause.words()));
            Query match;
            if (clause.prefix()) {
                // a stop word typed so far still begins longer words ("the" -> "theory")
                String prefix = terms.isEmpty() ? clause.words().get(0) : terms.size() == 1 ? terms.get(0).text : null;
                match = prefix == null ? phrase(terms) : acrossFields(field -> new PrefixQuery(new Term(field, prefix)));
            } else if (terms.isEmpty()) {
                continue; // only stop words: nothing to look for, as in PostgreSQL
            } else {
                match = phrase(terms);
            }
            query.add(match, clause.excluded() ? Occur.MUST_NOT : Occur.MUST);
            wants |= !clause.excluded();
        }
        return wants ? query.build() : new MatchNoDocsQuery("nothing to look for");
    }

    private Query phrase(List<Token> terms) {
        if (terms.size() == 1) {
            return acrossFields(field -> new TermQuery(new Term(field, terms.get(0).text)));
        }
        return acrossFields(field -> {
            var phrase = new PhraseQuery.Builder();
            for (var token : terms) {
                // stop words leave their places empty: "lord of the rings" matches "lord [of] [the] rings"
                phrase.add(new Term(field, token.text), token.position);
            }
            return phrase.build();
        });
    }

    private static Query acrossFields(java.util.function.Function<String, Query> perField) {
        var any = new BooleanQuery.Builder();
        for (String field : TEXT_FIELDS) {
            any.add(new BoostQuery(perField.apply(field), WEIGHTS.get(field)), Occur.SHOULD);
        }
        return any.build();
    }

    /** A word as the index holds it, and its position. */
    private record Token(String text, int position) {}

    private List<Token> analyze(String text) {
        var tokens = new ArrayList<Token>();
        try (TokenStream stream = analyzer.tokenStream(TITLE, text)) {
            var term = stream.addAttribute(CharTermAttribute.class);
            var increment = stream.addAttribute(PositionIncrementAttribute.class);
            stream.reset();
            int position = -1;
            while (stream.incrementToken()) {
                position += increment.getPositionIncrement();
                tokens.add(new Token(term.toString(), position));
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tokens;
    }

    /** The request's order; each ends with the id, in the same direction as the sort's own field (as in SQL). */
    private static Sort sort(SearchRequest request) {
        BookSort sort = request.sort() == BookSort.RELEVANCE && request.text() == null ? BookSort.TITLE : request.sort();
        boolean reverse = sort.descending;
        SortField first = switch (sort) {
            case RELEVANCE -> SortField.FIELD_SCORE;
            case TITLE, TITLE_DESC -> new SortField(TITLE_KEY, SortField.Type.STRING, reverse);
            case AUTHOR, AUTHOR_DESC -> new SortField(AUTHOR_KEY, SortField.Type.STRING, reverse);
            case YEAR, YEAR_DESC -> missingLast(new SortField(YEAR, SortField.Type.INT, reverse),
                    reverse ? Integer.MIN_VALUE : Integer.MAX_VALUE);
            case CREATED, CREATED_DESC -> new SortField(CREATED, SortField.Type.LONG, reverse);
            case RATING, RATING_DESC -> missingLast(new SortField(RATING, SortField.Type.LONG, reverse),
                    reverse ? Long.MIN_VALUE : Long.MAX_VALUE);
        };
        if (sort == BookSort.RELEVANCE) {
            return new Sort(first, new SortField(TITLE_KEY, SortField.Type.STRING), new SortField(ID, SortField.Type.STRING));
        }
        return new Sort(first, new SortField(ID, SortField.Type.STRING, reverse));
    }

    private static SortField missingLast(SortField field, Object missing) {
        field.setMissingValue(missing);
        return field;
    }

    /** Counts of genre keys and decades over the books a query matches. */
    private static final class FacetCounts implements CollectorManager<FacetCounter, FacetCounter> {
        private final boolean genres;
        private final boolean decades;

        FacetCounts(boolean genres, boolean decades) {
            this.genres = genres;
            this.decades = decades;
        }

        @Override
        public FacetCounter newCollector() {
            return new FacetCounter(genres, decades);
        }

        @Override
        public FacetCounter reduce(Collection<FacetCounter> collectors) {
            var all = new FacetCounter(genres, decades);
            collectors.forEach(all::add);
            return all;
        }
    }

    private static final class FacetCounter implements Collector {
        /** Decades from year -5000 to 4990 are counted in an array, any others in a map. */
        private static final int FIRST_DECADE = -500;
        private final boolean countGenres;
        private final boolean countDecades;
        private final Map<String, Long> genres = new HashMap<>();
        private final long[] perDecade = new long[1000];
        private final Map<Integer, Long> otherDecades = new HashMap<>();

        FacetCounter(boolean countGenres, boolean countDecades) {
            this.countGenres = countGenres;
            this.countDecades = countDecades;
        }

        Map<String, Long> genres() {
            return genres;
        }

        Map<Integer, Long> decades() {
            var decades = new TreeMap<>(otherDecades);
            for (int i = 0; i < perDecade.length; i++) {
                if (perDecade[i] > 0) {
                    decades.merge((FIRST_DECADE + i) * 10, perDecade[i], Long::sum);
                }
            }
            return decades;
        }

        void add(FacetCounter other) {
            other.genres.forEach((k, v) -> genres.merge(k, v, Long::sum));
            other.otherDecades.forEach((k, v) -> otherDecades.merge(k, v, Long::sum));
            for (int i = 0; i < perDecade.length; i++) {
                perDecade[i] += other.perDecade[i];
            }
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
            SortedDocValues genre = DocValues.getSorted(context.reader(), GENRE_KEY);
            NumericDocValues year = DocValues.getNumeric(context.reader(), YEAR);
            int[] perGenre = new int[countGenres ? genre.getValueCount() : 0];
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {}

                @Override
                public void collect(int doc) throws IOException {
                    if (countGenres && genre.advanceExact(doc)) {
                        perGenre[genre.ordValue()]++;
                    }
                    if (countDecades && year.advanceExact(doc)) {
                        int decade = Math.floorDiv((int) year.longValue(), 10);
                        int slot = decade - FIRST_DECADE;
                        if (slot >= 0 && slot < perDecade.length) {
                            perDecade[slot]++;
                        } else {
                            otherDecades.merge(decade * 10, 1L, Long::sum);
                        }
                    }
                }

                @Override
                public void finish() throws IOException {
                    for (int ord = 0; ord < perGenre.length; ord++) {
                        if (perGenre[ord] > 0) {
                            genres.merge(genre.lookupOrd(ord).utf8ToString(), (long) perGenre[ord], Long::sum);
                        }
                    }
                }
            };
        }
    }

    @Override
    public Map<String, Long> wordsLike(String word, int maxEdits) {
        if (word.isEmpty()) {
            return Map.of();
        }
        String first = word.substring(0, Character.charCount(word.codePointAt(0)));
        var prefix = new BytesRef(first);
        var counts = new TreeMap<String, Long>();
        try {
            var searcher = acquire();
            try {
                for (var leaf : searcher.getIndexReader().leaves()) {
                    Terms terms = leaf.reader().terms(WORDS);
                    if (terms == null) {
                        continue;
                    }
                    var live = leaf.reader().getLiveDocs();
                    TermsEnum each = terms.iterator();
                    if (each.seekCeil(prefix) == TermsEnum.SeekStatus.END) {
                        continue;
                    }
                    PostingsEnum postings = null;
                    do {
                        BytesRef term = each.term();
                        if (!startsWith(term, prefix)) {
                            break;
                        }
                        String candidate = term.utf8ToString();
                        if (Math.abs(candidate.length() - word.length()) > maxEdits) {
                            continue;
                        }
                        long books;
                        if (live == null) {
                            books = each.docFreq();
                        } else {
                            // deleted books still count in docFreq until their segment is merged away
                            books = 0;
                            postings = each.postings(postings, PostingsEnum.NONE);
                            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                                if (live.get(doc)) {
                                    books++;
                                }
                            }
                        }
                        if (books > 0) {
                            counts.merge(candidate, books, Long::sum);
                        }
                    } while (each.next() != null);
                }
            } finally {
                release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    private static boolean startsWith(BytesRef term, BytesRef prefix) {
        if (term.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (term.bytes[term.offset + i] != prefix.bytes[prefix.offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops this engine; the last engine using the index closes it, marked closed cleanly with what it holds when
     * it holds every change it was told of (the next start then opens it as it is if the table still holds the
     * same).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (OPEN) {
            if (--index.users > 0) {
                return;
            }
            if (index.key != null) {
                OPEN.remove(index.key, index);
            }
            index.close();
        }
    }

    /**
     * Words as PostgreSQL's {@code english} configuration makes them: lower case, Snowball's English stop words
     * removed (their positions kept, for phrases), Snowball's English stemmer. Texts reach it folded (see {@link
     * BookKeys}) and split at anything but letters and digits.
     */
    static final class EnglishWords extends Analyzer {
        private static final CharArraySet STOP_WORDS;

        static {
            var stream = SnowballFilter.class.getResourceAsStream("english_stop.txt");
            if (stream == null) {
                throw new IllegalStateException("Lucene's english_stop.txt is missing from the application");
            }
            try (var list = new java.io.InputStreamReader(stream, StandardCharsets.UTF_8)) {
                STOP_WORDS = CharArraySet.unmodifiableSet(WordlistLoader.getSnowballWordSet(list));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected TokenStreamComponents createComponents(String field) {
            var source = new StandardTokenizer();
            TokenStream words = new LowerCaseFilter(source);
            words = new StopFilter(words, STOP_WORDS);
            words = new SnowballFilter(words, new EnglishStemmer());
            return new TokenStreamComponents(source, words);
        }

        @Override
        protected TokenStream normalize(String field, TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }
}
