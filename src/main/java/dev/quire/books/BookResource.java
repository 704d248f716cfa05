package dev.quire.books;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.quire.books.BookStore.Facet;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.identity.Authenticated;
import dev.quire.identity.SignedIn;
import dev.quire.rest.EntityTags;
import dev.quire.rest.Idempotent;
import dev.quire.rest.Json;
import dev.quire.rest.KeyScope;
import dev.quire.rest.Links;
import dev.quire.rest.MergePatch;
import dev.quire.rest.QueryParameters;
import dev.quire.rest.QueryString;
import dev.quire.rest.TakesQuery;
import dev.quire.shared.PreconditionFailedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/** The catalogue and its reviews over HTTP: translates JSON, query parameters and conditions to service calls. */
@Path("/api/books")
@Produces(MediaType.APPLICATION_JSON)
// @Consumes on the methods that take a body: a GET or DELETE is never refused for a Content-Type it happens to carry
public final class BookResource {
    static final String COLLECTION = "/api/books";
    private static final Set<String> LIST_PARAMETERS =
            Set.of("author", "genre", "year_min", "year_max", "q", "sort", "page", "per_page", "facets");
    private static final Set<String> PAGE_PARAMETERS = Set.of("page", "per_page");
    private static final int DEFAULT_PER_PAGE = 20;
    private static final int MAX_PER_PAGE = 100;
    private static final int MAX_PAGE = 10_000_000;
    private static final int LATEST_YEAR_FILTER = 9999;
    /** A book may be kept by any cache for a minute; after that, a conditional GET tells whether it changed. */
    private static final String CACHE = "public, max-age=60";

    private final BookService books;

    public BookResource(BookService books) {
        this.books = books;
    }

    @KeyScope(KeyScope.NONE)
    @GET
    @TakesQuery
    public Response list(@Context HttpServletRequest request, @Context UriInfo uri) {
        var query = query(uri);
        var found = books.list(query);
        var page = found.page();
        var links = pageLinks(request, COLLECTION, page, number -> listQuery(query, number));
        var items = page.items().stream().map(book -> BookResponse.from(book, request)).toList();
        var facets = query.facets().isEmpty() ? null : new FacetsResponse(
                found.genres() == null ? null : found.genres().stream().map(GenreFacet::from).toList(),
                found.decades() == null ? null : found.decades().stream()
                        .map(d -> new DecadeFacet(d.decade(), d.count())).toList());
        return Response.ok(new BookListResponse(items, page.page(), page.perPage(), page.total(),
                found.totalIsEstimate(), page.totalPages(), found.didYouMean(), facets, links))
                .header("Link", linkHeader(links)).build();
    }

    @KeyScope(KeyScope.NONE)
    @GET
    @Path("{id}")
    public Response get(@Context HttpServletRequest request, @PathParam("id") String id) {
        var book = books.get(id);
        var preconditions = EntityTags.preconditions(request);
        if (!preconditions.passesIfMatch(book.version())) {
            throw new PreconditionFailedException("The book");
        }
        var response = preconditions.passesIfNoneMatch(book.version())
                ? Response.ok(BookResponse.from(book, request))
                : Response.notModified();
        return response.header(HttpHeaders.ETAG, EntityTags.of(book.version())).header(HttpHeaders.CACHE_CONTROL, CACHE)
                .build();
    }

    @SignedIn
    @KeyScope(KeyScope.BOOKS_WRITE)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Idempotent
    public Response create(@Context HttpServletRequest request, BookRequest body) {
        var book = books.create(Authenticated.account(request).id(), body.input());
        var response = BookResponse.from(book, request);
        return Response.created(URI.create(response.links().href("self")))
                .header(HttpHeaders.ETAG, EntityTags.of(book.version())).entity(response).build();
    }

    @SignedIn
    @KeyScope(KeyScope.BOOKS_WRITE)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("{id}")
    public Response replace(@Context HttpServletRequest request, @PathParam("id") String id, JsonNode body) {
        var book = books.replace(Authenticated.account(request).id(), id, EntityTags.preconditions(request),
                () -> Json.read(body, BookRequest.class).input());
        return changed(book, request);
    }

    @SignedIn
    @KeyScope(KeyScope.BOOKS_WRITE)
    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, MergePatch.MEDIA_TYPE})
    public Response patch(@Context HttpServletRequest request, @PathParam("id") String id, JsonNode body) {
        var book = books.patch(Authenticated.account(request).id(), id, EntityTags.preconditions(request),
                () -> changes(body));
        return changed(book, request);
    }

    /** A merge patch's changes; {@code null} removes an optional field. */
    private static BookPatch changes(JsonNode body) {
        var patch = MergePatch.of(body, Set.of("title", "author", "year", "genre", "isbn", "description"));
        var changes = new BookPatch(
                patch.has("title") ? patch.text("title") : null,
                patch.has("author") ? patch.text("author") : null,
                patch.optionalInteger("year"),
                patch.optionalText("genre"),
                patch.optionalText("isbn"),
                patch.optionalText("description"));
        patch.check();
        return changes;
    }

    @SignedIn
    @KeyScope(KeyScope.BOOKS_WRITE)
    @DELETE
    @Path("{id}")
    public void delete(@Context HttpServletRequest request, @PathParam("id") String id) {
        books.delete(Authenticated.account(request).id(), id, EntityTags.preconditions(request));
    }

    @KeyScope(KeyScope.NONE)
    @GET
    @Path("{id}/reviews")
    @TakesQuery
    public Response reviews(@Context HttpServletRequest request, @Context UriInfo uri, @PathParam("id") String id) {
        var parameters = QueryParameters.of(uri.getQueryParameters(), PAGE_PARAMETERS);
        int number = parameters.integer("page", 1, MAX_PAGE, 1);
        int perPage = parameters.integer("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
        parameters.check();
        var page = books.reviews(id, number, perPage);
        String path = COLLECTION + "/" + id + "/reviews";
        var links = pageLinks(request, path, page, n -> QueryString.of().add("page", n == 1 ? null : n)
                .add("per_page", perPage == DEFAULT_PER_PAGE ? null : perPage).toString());
        links.add("book", COLLECTION + "/" + id);
        var items = page.items().stream().map(review -> ReviewResponse.from(review, request)).toList();
        return Response.ok(new ListResponse<>(items, page.page(), page.perPage(), page.total(), page.totalPages(),
                links)).header("Link", linkHeader(links)).build();
    }

    @SignedIn
    @KeyScope(KeyScope.REVIEWS_WRITE)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("{id}/reviews")
    @Idempotent
    public Response addReview(@Context HttpServletRequest request, @PathParam("id") String id, ReviewRequest body) {
        var review = books.addReview(Authenticated.account(request), id,
                new ReviewInput(body.rating(), body.text()));
        var response = ReviewResponse.from(review, request);
        return Response.created(URI.create(response.links().href("self"))).entity(response).build();
    }

    @KeyScope(KeyScope.NONE)
    @GET
    @Path("{id}/reviews/{reviewId}")
    public ReviewResponse review(@Context HttpServletRequest request, @PathParam("id") String id,
            @PathParam("reviewId") String reviewId) {
        return ReviewResponse.from(books.review(id, reviewId), request);
    }

    @SignedIn
    @KeyScope(KeyScope.REVIEWS_WRITE)
    @DELETE
    @Path("{id}/reviews/{reviewId}")
    public void deleteReview(@Context HttpServletRequest request, @PathParam("id") String id,
            @PathParam("reviewId") String reviewId) {
        books.deleteReview(Authenticated.account(request).id(), id, reviewId);
    }

    private static Response changed(Book book, HttpServletRequest request) {
        return Response.ok(BookResponse.from(book, request)).header(HttpHeaders.ETAG, EntityTags.of(book.version()))
                .build();
    }

    /** Reads the list's query parameters; every invalid one is named at once, none is clamped or ignored. */
    private static BookQuery query(UriInfo uri) {
        var parameters = QueryParameters.of(uri.getQueryParameters(), LIST_PARAMETERS);
        String author = parameters.text("author", BookService.MAX_TITLE_LENGTH);
        var genre = parameters.choice("genre", null, Genres::find, "the slugs, names or aliases at /api/genres: "
                + Genres.slugs());
        Integer yearMin = parameters.integer("year_min", BookService.EARLIEST_YEAR, LATEST_YEAR_FILTER, null);
        Integer yearMax = parameters.integer("year_max", BookService.EARLIEST_YEAR, LATEST_YEAR_FILTER, null);
        if (yearMin != null && yearMax != null && yearMin > yearMax) {
            parameters.invalid("year_min", "must not be greater than year_max");
        }
        String search = parameters.text("q", BookService.MAX_TITLE_LENGTH);
        String rawSearch = uri.getQueryParameters().getFirst("q");
        if (search != null && !rawSearch.endsWith(search)) {
            // stripped, but a space at the end is kept: it says the last word is whole ("dun " is no prefix of Dune)
            search = search + " ";
        }
        if (search != null && BookKeys.words(search).size() > BookService.MAX_SEARCH_WORDS) {
            parameters.invalid("q", "must have at most " + BookService.MAX_SEARCH_WORDS + " words");
        }
        // with a search, the best matches come first unless another order is asked for
        var sort = parameters.choice("sort", search == null ? BookSort.TITLE : BookSort.RELEVANCE,
                BookSort::fromWireName, BookSort.wireNames());
        int page = parameters.integer("page", 1, MAX_PAGE, 1);
        int perPage = parameters.integer("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
        var facets = parameters.choice("facets", Set.<Facet>of(), BookResource::facets, "genre, decade, or both "
                + "separated by a comma");
        parameters.check();
        return new BookQuery(author, genre, yearMin, yearMax, search, sort, page, perPage, facets);
    }

    /** "genre", "decade", "genre,decade" (in either order, each once). */
    private static Optional<Set<Facet>> facets(String value) {
        var facets = EnumSet.noneOf(Facet.class);
        for (String name : value.split(",", -1)) {
            var facet = switch (name) {
                case "genre" -> Facet.GENRE;
                case "decade" -> Facet.DECADE;
                default -> null;
            };
            if (facet == null || !facets.add(facet)) {
                return Optional.empty();
            }
        }
        return Optional.of(Set.copyOf(facets));
    }

    /** The query of a list link for page {@code page}, normalised (defaults left out). */
    private static String listQuery(BookQuery query, int page) {
        return QueryString.of()
                .add("author", query.author())
                .add("genre", query.genre() == null ? null : query.genre().slug())
                .add("year_min", query.yearMin())
                .add("year_max", query.yearMax())
                .add("q", query.search())
                .add("sort", query.sort() == (query.search() == null ? BookSort.TITLE : BookSort.RELEVANCE) ? null
                        : query.sort().wireName())
                .add("page", page == 1 ? null : page)
                .add("per_page", query.perPage() == DEFAULT_PER_PAGE ? null : query.perPage())
                .add("facets", query.facets().isEmpty() ? null : String.join(",", query.facets().stream().sorted()
                        .map(facet -> facet.name().toLowerCase(Locale.ROOT)).toList()))
                .toString();
    }

    /**
     * self, first, prev (unless on the first page; from past the end, the last page), next (unless on or past the
     * last) and last.
     */
    private static Links pageLinks(HttpServletRequest request, String path, Page<?> page, IntFunction<String> query) {
        int last = (int) Math.max(1, page.totalPages());
        var links = Links.from(request)
                .add("self", path + query.apply(page.page()))
                .add("first", path + query.apply(1));
        if (page.page() > 1) {
            links.add("prev", path + query.apply(Math.min(page.page() - 1, last)));
        }
        if (page.page() < page.totalPages()) {
            links.add("next", path + query.apply(page.page() + 1));
        }
        return links.add("last", path + query.apply(last));
    }

    /** The same relations as an RFC 8288 Link header. */
    private static String linkHeader(Links links) {
        return String.join(", ", links.asMap().entrySet().stream()
                .map(link -> "<" + link.getValue().href() + ">; rel=\"" + link.getKey() + "\"").toList());
    }

    public record BookRequest(String title, String author, Long year, String genre, String isbn,
                              String description) {
        BookInput input() {
            return new BookInput(title, author, year, genre, isbn, description);
        }
    }

    public record ReviewRequest(Integer rating, String text) {}

    public record RatingResponse(BigDecimal average, int count) {}

    public record BookResponse(String id, String title, String author, Integer year, String genre, String isbn,
                               String description, String createdBy, Instant createdAt, Instant updatedAt, long version,
                               RatingResponse rating, @JsonProperty("_links") Links links) {
        static BookResponse from(Book book, HttpServletRequest request) {
            String self = COLLECTION + "/" + book.id().value();
            return new BookResponse(book.id().value(), book.title(), book.author(), book.year(), book.genre(),
                    book.isbn(), book.description(), book.createdBy() == null ? null : book.createdBy().value(), book.createdAt(),
                    book.updatedAt(), book.version(), new RatingResponse(book.rating().average(), book.rating().count()),
                    Links.from(request)
                            .add("self", self)
                            .add("collection", COLLECTION)
                            .add("author", COLLECTION + QueryString.of().add("author", book.author()))
                            .add("reviews", self + "/reviews"));
        }
    }

    public record ReviewResponse(String id, String bookId, String authorId, String authorName, int rating,
                                 String text, Instant createdAt, @JsonProperty("_links") Links links) {
        static ReviewResponse from(Review review, HttpServletRequest request) {
            String book = COLLECTION + "/" + review.bookId().value();
            return new ReviewResponse(review.id().value(), review.bookId().value(), review.authorId().value(),
                    review.authorName(), review.rating(), review.text(), review.createdAt(), Links.from(request)
                            .add("self", book + "/reviews/" + review.id().value())
                            .add("book", book));
        }
    }

    /**
     * A page of books: {@code didYouMean} (only when the search as written found nothing and these books match the
     * corrected search it holds) and {@code facets} (only when asked for) are left out otherwise.
     */
    public record BookListResponse(List<BookResponse> items, int page, int perPage, long total,
                                   boolean totalIsEstimate, long totalPages,
                                   @JsonInclude(JsonInclude.Include.NON_NULL) String didYouMean,
                                   @JsonInclude(JsonInclude.Include.NON_NULL) FacetsResponse facets,
                                   @JsonProperty("_links") Links links) {}

    /** Each facet asked for: the counts of the list's matches under every filter but the facet's own. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FacetsResponse(List<GenreFacet> genre, List<DecadeFacet> decade) {}

    public record GenreFacet(String slug, String name, long count) {
        static GenreFacet from(GenreCount count) {
            return new GenreFacet(count.genre().slug(), count.genre().name(), count.count());
        }
    }

    public record DecadeFacet(int decade, long count) {}

    public record ListResponse<T>(List<T> items, int page, int perPage, long total, long totalPages,
                                  @JsonProperty("_links") Links links) {}
}
