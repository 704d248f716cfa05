package dev.quire.todos;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.identity.AccountId;
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
import dev.quire.shared.BadParameterException;
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
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The caller's todos over HTTP: translates JSON, query parameters and conditional headers to service calls. */
@Path("/api/todos")
@SignedIn
@Produces(MediaType.APPLICATION_JSON)
// @Consumes on the methods that take a body: a GET or DELETE is never refused for a Content-Type it happens to carry
public final class TodoResource {
    static final String COLLECTION = "/api/todos";
    private static final Set<String> LIST_PARAMETERS = Set.of("completed", "q", "sort", "limit", "cursor");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_CURSOR_LENGTH = 4096;
    /** A browser or proxy may keep a todo, but must ask again (If-None-Match) before showing it. */
    private static final String REVALIDATE = "private, no-cache";

    private final TodoService todos;

    public TodoResource(TodoService todos) {
        this.todos = todos;
    }

    @KeyScope(KeyScope.TODOS_WRITE)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Idempotent
    public Response create(@Context HttpServletRequest request, TodoRequest body) {
        var todo = todos.create(owner(request), new TodoInput(body.title(), body.completed(), body.order()));
        var response = TodoResponse.from(todo, request);
        return Response.created(URI.create(response.links().href("self")))
                .header(HttpHeaders.ETAG, EntityTags.of(todo.version())).entity(response).build();
    }

    @KeyScope(KeyScope.TODOS_READ)
    @GET
    @TakesQuery
    public Response list(@Context HttpServletRequest request, @Context UriInfo uri) {
        var parameters = uri.getQueryParameters();
        var query = query(parameters);
        var page = todos.list(owner(request), query);
        var links = Links.from(request).add("self", COLLECTION + queryString(query, query.cursor()));
        var response = Response.ok();
        if (page.nextCursor() != null) {
            links.add("next", COLLECTION + queryString(query, page.nextCursor()));
            response.header("Link", "<" + links.href("next") + ">; rel=\"next\"");
        }
        var items = page.items().stream().map(todo -> TodoResponse.from(todo, request)).toList();
        return response.entity(new TodoListResponse(items, page.nextCursor(), links)).build();
    }

    @KeyScope(KeyScope.TODOS_READ)
    @GET
    @Path("{id}")
    public Response get(@Context HttpServletRequest request, @PathParam("id") String id) {
        var todo = todos.get(owner(request), id);
        var preconditions = EntityTags.preconditions(request);
        String tag = EntityTags.of(todo.version());
        if (!preconditions.passesIfMatch(todo.version())) {
            throw new PreconditionFailedException("The todo");
        }
        if (!preconditions.passesIfNoneMatch(todo.version())) {
            return Response.notModified().header(HttpHeaders.ETAG, tag).header(HttpHeaders.CACHE_CONTROL, REVALIDATE).build();
        }
        return Response.ok(TodoResponse.from(todo, request)).header(HttpHeaders.ETAG, tag).header(HttpHeaders.CACHE_CONTROL, REVALIDATE)
                .build();
    }

    @KeyScope(KeyScope.TODOS_WRITE)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("{id}")
    public Response replace(@Context HttpServletRequest request, @PathParam("id") String id, JsonNode body) {
        var todo = todos.replace(owner(request), id, EntityTags.preconditions(request), () -> {
            var content = Json.read(body, TodoRequest.class);
            return new TodoInput(content.title(), content.completed(), content.order());
        });
        return Response.ok(TodoResponse.from(todo, request)).header(HttpHeaders.ETAG, EntityTags.of(todo.version()))
                .build();
    }

    @KeyScope(KeyScope.TODOS_WRITE)
    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, MergePatch.MEDIA_TYPE})
    public Response patch(@Context HttpServletRequest request, @PathParam("id") String id, JsonNode body) {
        var todo = todos.patch(owner(request), id, EntityTags.preconditions(request), () -> changes(body));
        return Response.ok(TodoResponse.from(todo, request)).header(HttpHeaders.ETAG, EntityTags.of(todo.version()))
                .build();
    }

    private static TodoPatch changes(JsonNode body) {
        var patch = MergePatch.of(body, Set.of("title", "completed", "order"));
        var changes = new TodoPatch(
                patch.has("title") ? patch.text("title") : null,
                patch.has("completed") ? patch.bool("completed") : null,
                patch.has("order") ? patch.integer("order") : null);
        patch.check();
        return changes;
    }

    @KeyScope(KeyScope.TODOS_WRITE)
    @DELETE
    @Path("{id}")
    public void delete(@Context HttpServletRequest request, @PathParam("id") String id) {
        todos.delete(owner(request), id, EntityTags.preconditions(request));
    }

    /** {@code DELETE /api/todos?completed=true} clears the completed todos; nothing else deletes in bulk. */
    @KeyScope(KeyScope.TODOS_WRITE)
    @DELETE
    @TakesQuery
    public void deleteCompleted(@Context HttpServletRequest request, @Context UriInfo uri) {
        var parameters = QueryParameters.of(uri.getQueryParameters(), Set.of("completed"));
        if (!Boolean.TRUE.equals(parameters.bool("completed")) && parameters.isValid()) {
            parameters.invalid("completed", "must be true: DELETE " + COLLECTION
                    + "?completed=true clears the completed todos, and nothing else deletes more than one");
        }
        parameters.check();
        todos.deleteCompleted(owner(request));
    }

    private static AccountId owner(HttpServletRequest request) {
        return Authenticated.account(request).id();
    }



    /** Reads the list's query parameters; every invalid one is named at once, none is ignored. */
    static TodoQuery query(MultivaluedMap<String, String> values) {
        var parameters = QueryParameters.of(values, LIST_PARAMETERS);
        Boolean completed = parameters.bool("completed");
        String search = parameters.text("q", TodoService.MAX_TITLE_LENGTH);
        var sort = parameters.choice("sort", TodoSort.ORDER, TodoSort::fromWireName, TodoSort.wireNames());
        int limit = parameters.integer("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        String cursor = values.getFirst("cursor");
        if (cursor != null && (cursor.isEmpty() || cursor.length() > MAX_CURSOR_LENGTH)) {
            parameters.invalid("cursor", "is not a cursor of this list; start again from the first page");
        }
        parameters.check();
        return new TodoQuery(completed, search, sort, limit, cursor);
    }

    /** The query of a list link, normalised (defaults left out), with the given cursor. */
    private static String queryString(TodoQuery query, String cursor) {
        return QueryString.of()
                .add("completed", query.completed())
                .add("q", query.search())
                .add("sort", query.sort() == TodoSort.ORDER ? null : query.sort().wireName())
                .add("limit", query.limit() == DEFAULT_LIMIT ? null : query.limit())
                .add("cursor", cursor)
                .toString();
    }

    public record TodoRequest(String title, Boolean completed, Long order) {}

    public record TodoResponse(String id, String title, boolean completed, long order, Instant createdAt,
                               Instant updatedAt, long version, @JsonProperty("_links") Links links) {
        static TodoResponse from(Todo todo, HttpServletRequest request) {
            return new TodoResponse(todo.id().value(), todo.title(), todo.completed(), todo.order(), todo.createdAt(),
                    todo.updatedAt(), todo.version(), Links.from(request)
                            .add("self", COLLECTION + "/" + todo.id().value())
                            .add("collection", COLLECTION));
        }
    }

    public record TodoListResponse(List<TodoResponse> items, String nextCursor,
                                   @JsonProperty("_links") Links links) {}
}
