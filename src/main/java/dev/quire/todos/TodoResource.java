package dev.quire.todos;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.http.EntityTags;
import dev.quire.http.Links;
import dev.quire.http.MergePatch;
import dev.quire.identity.AccountId;
import dev.quire.identity.Authenticated;
import dev.quire.shared.BadParameterException;
import dev.quire.shared.PreconditionFailedException;
import dev.quire.shared.FieldError;
import dev.quire.shared.Text;
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
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The caller's todos over HTTP: translates JSON, query parameters and conditional headers to service calls. */
@Path("/api/todos")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
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

    @POST
    public Response create(@Context SecurityContext security, @Context HttpServletRequest request, TodoRequest body) {
        var todo = todos.create(owner(security), new TodoInput(body.title(), body.completed(), body.order()));
        var response = TodoResponse.from(todo, request);
        return Response.created(URI.create(response.links().href("self")))
                .header(HttpHeaders.ETAG, EntityTags.of(todo.version())).entity(response).build();
    }

    @GET
    public Response list(@Context SecurityContext security, @Context HttpServletRequest request,
            @Context UriInfo uri) {
        var parameters = uri.getQueryParameters();
        var query = query(parameters);
        var page = todos.list(owner(security), query);
        var links = Links.from(request).add("self", COLLECTION + queryString(query, query.cursor()));
        var response = Response.ok();
        if (page.nextCursor() != null) {
            links.add("next", COLLECTION + queryString(query, page.nextCursor()));
            response.header("Link", "<" + links.href("next") + ">; rel=\"next\"");
        }
        var items = page.items().stream().map(todo -> TodoResponse.from(todo, request)).toList();
        return response.entity(new TodoListResponse(items, page.nextCursor(), links)).build();
    }

    @GET
    @Path("{id}")
    public Response get(@Context SecurityContext security, @Context HttpServletRequest request,
            @Context HttpHeaders headers, @PathParam("id") String id) {
        var todo = todos.get(owner(security), id);
        var preconditions = EntityTags.preconditions(headers);
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

    @PUT
    @Path("{id}")
    public Response replace(@Context SecurityContext security, @Context HttpServletRequest request,
            @Context HttpHeaders headers, @PathParam("id") String id, TodoRequest body) {
        var todo = todos.replace(owner(security), id, EntityTags.preconditions(headers),
                new TodoInput(body.title(), body.completed(), body.order()));
        return Response.ok(TodoResponse.from(todo, request)).header(HttpHeaders.ETAG, EntityTags.of(todo.version()))
                .build();
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, MergePatch.MEDIA_TYPE})
    public Response patch(@Context SecurityContext security, @Context HttpServletRequest request,
            @Context HttpHeaders headers, @PathParam("id") String id, JsonNode body) {
        var patch = MergePatch.of(body, Set.of("title", "completed", "order"));
        var changes = new TodoPatch(
                patch.has("title") ? patch.text("title") : null,
                patch.has("completed") ? patch.bool("completed") : null,
                patch.has("order") ? patch.integer("order") : null);
        patch.check();
        var todo = todos.patch(owner(security), id, EntityTags.preconditions(headers), changes);
        return Response.ok(TodoResponse.from(todo, request)).header(HttpHeaders.ETAG, EntityTags.of(todo.version()))
                .build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@Context SecurityContext security, @Context HttpHeaders headers,
            @PathParam("id") String id) {
        todos.delete(owner(security), id, EntityTags.preconditions(headers));
        return Response.noContent().build();
    }

    /** {@code DELETE /api/todos?completed=true} clears the completed todos; nothing else deletes in bulk. */
    @DELETE
    public Response deleteCompleted(@Context SecurityContext security, @Context UriInfo uri) {
        var parameters = uri.getQueryParameters();
        if (!parameters.keySet().equals(Set.of("completed")) || !List.of("true").equals(parameters.get("completed"))) {
            throw new BadParameterException("completed", "must be true: DELETE " + COLLECTION
                    + "?completed=true clears the completed todos, and nothing else deletes more than one");
        }
        todos.deleteCompleted(owner(security));
        return Response.noContent().build();
    }

    private static AccountId owner(SecurityContext security) {
        return Authenticated.session(security).accountId();
    }



    /**
     * Reads the list's query parameters strictly: a misspelt, repeated or invalid one is an error, not silently
     * ignored, and every such parameter is named at once.
     */
    static TodoQuery query(MultivaluedMap<String, String> parameters) {
        var errors = new ArrayList<FieldError>();
        for (var entry : parameters.entrySet()) {
            if (!LIST_PARAMETERS.contains(entry.getKey())) {
                errors.add(new FieldError(entry.getKey(),
                        "is not a parameter of this list (use completed, q, sort, limit or cursor)"));
            } else if (entry.getValue().size() > 1) {
                errors.add(new FieldError(entry.getKey(), "is given more than once"));
            }
        }
        Boolean completed = null;
        String completedText = parameters.getFirst("completed");
        if (completedText != null) {
            if (completedText.equals("true") || completedText.equals("false")) {
                completed = Boolean.parseBoolean(completedText);
            } else {
                errors.add(new FieldError("completed", "must be true or false"));
            }
        }
        String search = parameters.getFirst("q");
        if (search != null) {
            if (Text.length(search) > TodoService.MAX_TITLE_LENGTH || Text.isUnsafe(search, false)) {
                errors.add(new FieldError("q", "must be at most " + TodoService.MAX_TITLE_LENGTH
                        + " characters of text"));
            }
            search = search.isBlank() ? null : search.trim();
        }
        String sortText = parameters.getFirst("sort");
        var sort = sortText == null ? Optional.of(TodoSort.ORDER) : TodoSort.fromWireName(sortText);
        if (sort.isEmpty()) {
            errors.add(new FieldError("sort", "must be one of " + TodoSort.wireNames()));
        }
        int limit = DEFAULT_LIMIT;
        String limitText = parameters.getFirst("limit");
        if (limitText != null) {
            limit = limitText.matches("[0-9]{1,3}") ? Integer.parseInt(limitText) : 0;
            if (limit < 1 || limit > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT));
            }
        }
        String cursor = parameters.getFirst("cursor");
        if (cursor != null && (cursor.isEmpty() || cursor.length() > MAX_CURSOR_LENGTH)) {
            errors.add(new FieldError("cursor", "is not a cursor of this list; start again from the first page"));
        }
        if (!errors.isEmpty()) {
            throw new BadParameterException(errors);
        }
        return new TodoQuery(completed, search, sort.get(), limit, cursor);
    }

    /** The query of a list link, normalised, with the given cursor. */
    private static String queryString(TodoQuery query, String cursor) {
        var parameters = new LinkedHashMap<String, String>();
        if (query.completed() != null) {
            parameters.put("completed", query.completed().toString());
        }
        if (query.search() != null) {
            parameters.put("q", query.search());
        }
        if (query.sort() != TodoSort.ORDER) {
            parameters.put("sort", query.sort().wireName());
        }
        if (query.limit() != DEFAULT_LIMIT) {
            parameters.put("limit", Integer.toString(query.limit()));
        }
        if (cursor != null) {
            parameters.put("cursor", cursor);
        }
        return parameters.isEmpty() ? "" : parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
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
