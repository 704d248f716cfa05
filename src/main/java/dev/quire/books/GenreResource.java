package dev.quire.books;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.quire.rest.KeyScope;
import dev.quire.rest.Links;
import dev.quire.rest.QueryString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The catalogue's genres, the controlled list a book's genre and the {@code genre} filter take. */
@Path("/api/genres")
@Produces(MediaType.APPLICATION_JSON)
public final class GenreResource {
    private final BookService books;

    public GenreResource(BookService books) {
        this.books = books;
    }

    @KeyScope(KeyScope.NONE)
    @GET
    public GenreListResponse list(@Context HttpServletRequest request) {
        var items = books.genres().stream().map(count -> GenreResponse.from(count, request)).toList();
        return new GenreListResponse(items, Links.from(request).add("self", "/api/genres")
                .add("books", BookResource.COLLECTION));
    }

    public record GenreResponse(String slug, String name, List<String> aliases, long count,
                                @JsonProperty("_links") Links links) {
        static GenreResponse from(GenreCount count, HttpServletRequest request) {
            var genre = count.genre();
            return new GenreResponse(genre.slug(), genre.name(), genre.aliases(), count.count(), Links.from(request)
                    .add("books", BookResource.COLLECTION + QueryString.of().add("genre", genre.slug())));
        }
    }

    public record GenreListResponse(List<GenreResponse> items, @JsonProperty("_links") Links links) {}
}
